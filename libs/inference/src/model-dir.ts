import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root (the nearest folder above this file with a package.json), from src or dist alike. */
export function repoRoot(from = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** The small default model that ships with the repository (apps/trainer/default-model), or SCORER_MODEL_DIR. */
export function defaultModelDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.SCORER_MODEL_DIR?.trim() || join(repoRoot(), 'apps/trainer/default-model'));
}
