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
 *   c bytes       presence per column: NONE, ALL or SOME
 *   then per column, in order: a bitmap of ceil(n / 8) bytes if SOME (bit i set = sample i has it),
 *   and n Float64 values unless NONE (0 where absent)
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

const COLUMNS = ACTION_SAMPLE_COLUMNS.map((c) => c.name);
if (COLUMNS[0] !== 't' || COLUMNS[1] !== 'speed') throw new Error('The action sample layout must start with t and speed (the packed form relies on it)');
const HEADER = 6;

export function packActionSamples(samples: readonly ActionSample[]): Buffer {
  const n = samples.length;
  const bitmapBytes = (n + 7) >> 3;
  const presence = COLUMNS.map((name) => {
    let present = 0;
    for (const s of samples) if (s[name] !== undefined) present++;
    return present === 0 ? NONE : present === n ? ALL : SOME;
  });
  let size = HEADER + COLUMNS.length;
  for (const p of presence) size += (p === SOME ? bitmapBytes : 0) + (p === NONE ? 0 : n * 8);
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
  let size = HEADER + columns;
  for (let c = 0; c < columns; c++) {
    const p = data[HEADER + c];
    if (p !== NONE && p !== ALL && p !== SOME) throw new Error(`Packed action samples: column ${COLUMNS[c]} has unknown presence ${p}`);
    size += (p === SOME ? bitmapBytes : 0) + (p === NONE ? 0 : n * 8);
  }
  if (size !== data.length) throw new Error(`Packed action samples of ${n} samples should be ${size} bytes, not ${data.length}`);
  // t and speed are required: the first two columns, present in every sample.
  if (n > 0 && (columns < 2 || data[HEADER] !== ALL || data[HEADER + 1] !== ALL)) throw new Error('Packed action samples lack the required t or speed column');
  let at = HEADER + columns;
  const samples: ActionSample[] = [];
  for (let i = 0; i < n; i++, at += 8) samples.push({ t: view.getFloat64(at, true), speed: view.getFloat64(at + n * 8, true) });
  at += n * 8;
  for (let c = 2; c < columns; c++) {
    const p = data[HEADER + c];
    if (p === NONE) continue;
    const bitmap = at;
    if (p === SOME) at += bitmapBytes;
    const name = COLUMNS[c];
    for (let i = 0; i < n; i++, at += 8) {
      if (p === SOME && (data[bitmap + (i >> 3)] & (1 << (i & 7))) === 0) continue;
      (samples[i] as unknown as Record<string, number>)[name] = view.getFloat64(at, true);
    }
  }
  return samples;
}
