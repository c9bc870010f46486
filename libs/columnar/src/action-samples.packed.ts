import { type ActionSample } from '@surprisal/contracts';
import { ACTION_SAMPLE_COLUMNS } from './action-samples.codec';

/**
 * The packed form of one batch of action samples, as the ingest store keeps it (action_batches.samples):
 * a column per signal, Float64 little-endian, with presence recorded per column. Cheaper to write and to
 * read back than JSON on both sides (no text to print or parse, no jsonb to build), and about half the size.
 *
 *   byte 0        PACKED_TAG
 *   bytes 1..4    sample count n (uint32)
 *   byte 5        column count c (the first c columns of ACTION_SAMPLE_COLUMNS)
 *   c bytes       presence per column: NONE, ALL, SOME or SAME (all present, one value)
 *   then per column, in order: a bitmap of ceil(n / 8) bytes if SOME (bit i set = sample i has it),
 *   then n Float64 values if ALL or SOME (0 where absent), one if SAME, none if NONE
 *
 * Columns are identified by position, so the layout may only grow by appending columns; a stored
 * batch with fewer columns reads as lacking the newer signals.
 * Rows stored before the packed form are JSON text (`[{"t":…}]`); unpackActionSamples reads both.
 */
const PACKED_TAG = 0x01;
const JSON_ARRAY_START = 0x5b; // '['
const NONE = 0;
const ALL = 1;
const SOME = 2;
// Signals that hold still over a batch (turn signal, pedals at rest) take 8 bytes instead of 8 per sample.
const SAME = 3;

const COLUMNS = ACTION_SAMPLE_COLUMNS.map((c) => c.name);
if (COLUMNS[0] !== 't' || COLUMNS[1] !== 'speed') throw new Error('The action sample layout must start with t and speed (the packed form relies on it)');
const HEADER = 6;

export function packActionSamples(samples: readonly ActionSample[]): Buffer {
  const n = samples.length;
  const bitmapBytes = (n + 7) >> 3;
  const presence = COLUMNS.map((name) => {
    let present = 0;
    let same = true;
    const first = samples[0]?.[name];
    for (const s of samples) {
      const v = s[name];
      if (v !== undefined) present++;
      // Object.is: -0 and 0 stay apart.
      if (same && !Object.is(v, first)) same = false;
    }
    if (present === 0) return NONE;
    if (present < n) return SOME;
    return same && n > 1 ? SAME : ALL;
  });
  let size = HEADER + COLUMNS.length;
  for (const p of presence) size += valueBytes(p, n, bitmapBytes);
  const out = Buffer.alloc(size);
  out[0] = PACKED_TAG;
  out.writeUInt32LE(n, 1);
  out[5] = COLUMNS.length;
  let at = HEADER;
  for (const p of presence) out[at++] = p;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  COLUMNS.forEach((name, c) => {
    const p = presence[c];
    if (p === NONE) return;
    if (p === SAME) {
      view.setFloat64(at, samples[0][name] ?? 0, true);
      at += 8;
      return;
    }
    if (p === SOME) {
      for (let i = 0; i < n; i++) if (samples[i][name] !== undefined) out[at + (i >> 3)] |= 1 << (i & 7);
      at += bitmapBytes;
    }
    for (let i = 0; i < n; i++) {
      view.setFloat64(at, samples[i][name] ?? 0, true);
      at += 8;
    }
  });
  return out;
}

/** The samples of one stored batch (packed, or JSON text from before the packed form), in stored order. */
export function unpackActionSamples(data: Uint8Array): ActionSample[] {
  if (data.length === 0) throw new Error('Stored action samples are empty: neither packed nor JSON');
  if (data[0] === JSON_ARRAY_START) return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as ActionSample[];
  if (data[0] !== PACKED_TAG) throw new Error(`Stored action samples start with byte ${data[0]}: neither packed (${PACKED_TAG}) nor JSON`);
  if (data.length < HEADER) throw new Error(`Packed action samples are truncated: ${data.length} bytes, the header alone is ${HEADER}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = view.getUint32(1, true);
  const columns = data[5];
  if (columns > COLUMNS.length) throw new Error(`Packed action samples have ${columns} columns, this build knows ${COLUMNS.length}`);
  const bitmapBytes = (n + 7) >> 3;
  // Where each column's bitmap and values start.
  const bitmaps: number[] = [];
  const values: number[] = [];
  let size = HEADER + columns;
  for (let c = 0; c < columns; c++) {
    const p = data[HEADER + c];
    if (p !== NONE && p !== ALL && p !== SOME && p !== SAME) throw new Error(`Packed action samples: column ${COLUMNS[c]} has unknown presence ${p}`);
    bitmaps.push(size);
    values.push(size + (p === SOME ? bitmapBytes : 0));
    size += valueBytes(p, n, bitmapBytes);
  }
  if (size !== data.length) throw new Error(`Packed action samples of ${n} samples should be ${size} bytes, not ${data.length}`);
  // t and speed are required: the first two columns, present in every sample.
  const required = (p: number | undefined): boolean => p === ALL || p === SAME;
  if (n > 0 && (columns < 2 || !required(data[HEADER]) || !required(data[HEADER + 1]))) throw new Error('Packed action samples lack the required t or speed column');
  const read = (c: number, i: number): number => view.getFloat64(values[c] + (data[HEADER + c] === SAME ? 0 : i * 8), true);
  const samples: ActionSample[] = [];
  for (let i = 0; i < n; i++) samples.push({ t: read(0, i), speed: read(1, i) });
  for (let c = 2; c < columns; c++) {
    const p = data[HEADER + c];
    if (p === NONE) continue;
    const name = COLUMNS[c];
    for (let i = 0; i < n; i++) {
      if (p === SOME && (data[bitmaps[c] + (i >> 3)] & (1 << (i & 7))) === 0) continue;
      (samples[i] as unknown as Record<string, number>)[name] = read(c, i);
    }
  }
  return samples;
}

/** Bytes a column takes after the header, by its presence. */
function valueBytes(presence: number, n: number, bitmapBytes: number): number {
  if (presence === NONE) return 0;
  if (presence === SAME) return 8;
  return (presence === SOME ? bitmapBytes : 0) + n * 8;
}
