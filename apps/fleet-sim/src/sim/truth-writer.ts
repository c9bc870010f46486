import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { type TruthRecord } from '../scenarios/scenario';

/** Ground truth as JSON lines: one scenario instance per line. */
const jsonLines = (truth: readonly TruthRecord[]): string => truth.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Writes the ground truth as JSON lines (one scenario instance per line), replacing the file. */
export async function writeTruth(file: string, truth: readonly TruthRecord[]): Promise<void> {
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeFile(file, jsonLines(truth));
}

/** Appends the ground truth to a JSON-lines file (created, with its folder, when missing). */
export async function appendTruth(file: string, truth: readonly TruthRecord[]): Promise<void> {
  await mkdir(dirname(resolve(file)), { recursive: true });
  await appendFile(file, jsonLines(truth));
}

/** Throws when the truth file would land inside the dataset folder (the engine must never see it). */
export function assertTruthOutside(truthFile: string, outDir: string): void {
  const rel = relative(resolve(outDir), resolve(truthFile));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new Error(`--truth ${truthFile} is inside --out ${outDir}: the ground truth must live apart from the fleet data`);
  }
}
