import { type ActionSample } from '@surprisal/contracts';
import layout from '../../../schemas/action-samples.parquet.json';

type ColumnName = keyof ActionSample;
interface ColumnSpec {
  name: ColumnName;
  type: 'INT64' | 'DOUBLE' | 'INT32';
  nullable: boolean;
}

/** The column contract shared with the trainer (schemas/action-samples.parquet.json). */
export const ACTION_SAMPLE_COLUMNS = layout.columns as ColumnSpec[];

/**
 * Encodes samples as one Parquet file (snappy), a column per signal, in time order. An absent
 * signal is null, so "no steering sensor" and "steering at 0°" stay different.
 */
export async function encodeActionSamples(samples: readonly ActionSample[]): Promise<Buffer> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  // Every ingested sample is written here once (segments), so the writer's optional work is skipped:
  // no min/max statistics (files are small and read whole) and no dictionary attempt on continuous
  // columns (time and doubles are rarely repetitive enough for it to pay; snappy still takes repeats).
  // That halves the encoding time at the same size.
  const buffer = parquetWriteBuffer({
    statistics: false,
    columnData: ACTION_SAMPLE_COLUMNS.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      encoding: c.type === 'INT32' ? undefined : 'PLAIN',
      data: sorted.map((s) => {
        const v = s[c.name];
        if (v === undefined) return null;
        return c.type === 'INT64' ? BigInt(v) : v;
      }),
    })),
  });
  return Buffer.from(buffer);
}

/** Decodes what encodeActionSamples wrote (or any Parquet file with these columns); nulls become absent fields. */
export async function decodeActionSamples(file: Buffer): Promise<ActionSample[]> {
  const { parquetReadObjects } = await import('hyparquet');
  const arrayBuffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file: arrayBuffer })) as Record<string, unknown>[];
  return rows.map((row) => {
    if (row.t == null || row.speed == null) throw new Error('Parquet action samples lack the required t or speed column');
    const sample: ActionSample = { t: Number(row.t), speed: Number(row.speed) };
    for (const c of ACTION_SAMPLE_COLUMNS) {
      const v = row[c.name];
      if (c.nullable && v !== null && v !== undefined) Object.assign(sample, { [c.name]: Number(v) });
    }
    return sample;
  });
}
