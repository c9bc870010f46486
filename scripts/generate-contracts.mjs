#!/usr/bin/env node
// Generates the TypeScript types of every wire contract from schemas/*.schema.json into
// libs/contracts/src/generated/ (the schemas are the source; the types are never written by hand).
//   node scripts/generate-contracts.mjs          write the files
//   node scripts/generate-contracts.mjs --check  fail if they are out of date (run by the tests)
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemasDir = join(root, 'schemas');
const outDir = join(root, 'libs/contracts/src/generated');
const check = process.argv.includes('--check');

const stale = [];
mkdirSync(outDir, { recursive: true });
for (const file of readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort()) {
  const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8'));
  const name = file.replace(/\.schema\.json$/, '');
  const ts = await compile(schema, schema.title ?? name, {
    bannerComment: `/* Generated from schemas/${file} by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */`,
    // Types name only the known fields; validators still accept (and ignore) fields added later.
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, printWidth: 140 },
  });
  const target = join(outDir, `${name}.ts`);
  if (check) {
    if (!existsSync(target) || readFileSync(target, 'utf8') !== ts) stale.push(target);
  } else {
    writeFileSync(target, ts);
  }
}
if (stale.length > 0) {
  console.error(`Generated contract types are out of date: ${stale.join(', ')}\nRun: node scripts/generate-contracts.mjs`);
  process.exit(1);
}
