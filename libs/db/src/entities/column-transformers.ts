import { type ValueTransformer } from 'typeorm';

/** Epoch-ms timestamps and counts are bigint in SQL; they fit a JS number (< 2^53), so expose them as one. */
export const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
