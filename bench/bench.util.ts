import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Benchmarks run against the real services: read .env.services (written by `npm run services:up`) unless already set. */
export function loadServiceEnv(): void {
  const file = resolve(__dirname, '../../.env.services');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run services:up\` first`);
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}

/** Progress and tables go to stderr; the last stdout line is the figures as JSON, for people and tools. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function printFigures(figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
