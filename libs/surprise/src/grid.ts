/** Signals resampled onto a regular time grid: `values[step * channels + c]`, `mask` 1 where present. */
export interface Grid {
  t0: number;
  stepMs: number;
  steps: number;
  channels: readonly string[];
  values: Float32Array;
  mask: Float32Array;
}


function field(r: object, name: string): unknown {
  return Reflect.get(r, name);
}

/**
 * Resamples `records` onto the grid t0 + k·stepMs (k < steps) by linear interpolation between present
 * samples of a channel at most `maxGapMs` apart (model-io.v1 "timing"). A grid time that falls on a
 * sample is that sample; one with no bracketing pair close enough is absent (mask 0, value 0).
 */
export function resampleToGrid<R extends { t: number }>(records: readonly R[], channels: readonly string[], t0: number, steps: number, stepMs: number, maxGapMs: number): Grid {
  const C = channels.length;
  const values = new Float32Array(steps * C);
  const mask = new Float32Array(steps * C);
  const sorted = [...records].sort((a, b) => a.t - b.t);
  channels.forEach((name, c) => {
    const ts: number[] = [];
    const vs: number[] = [];
    for (const r of sorted) {
      const v = field(r, name);
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (ts.length > 0 && ts[ts.length - 1] === r.t) vs[vs.length - 1] = v;
        else {
          ts.push(r.t);
          vs.push(v);
        }
      }
    }
    let i = 0;
    for (let k = 0; k < steps; k++) {
      const g = t0 + k * stepMs;
      while (i + 1 < ts.length && ts[i + 1] <= g) i++;
      if (ts.length === 0) break;
      const ti = ts[i];
      if (ti === g) {
        values[k * C + c] = vs[i]!;
        mask[k * C + c] = 1;
      } else if (ti < g && i + 1 < ts.length) {
        const tn = ts[i + 1];
        if (tn - ti <= maxGapMs) {
          const w = (g - ti) / (tn - ti);
          values[k * C + c] = vs[i] * (1 - w) + vs[i + 1] * w;
          mask[k * C + c] = 1;
        }
      }
    }
  });
  return { t0, stepMs, steps, channels, values, mask };
}

/** The grid index of time t, or -1 when t is off the grid. */
export function gridIndex(grid: Pick<Grid, 't0' | 'stepMs' | 'steps'>, t: number): number {
  const k = (t - grid.t0) / grid.stepMs;
  return Number.isInteger(k) && k >= 0 && k < grid.steps ? k : -1;
}

/** Channel c of steps [from, from + n) as a plain array (absent → null). */
export function channelSeries(grid: Grid, channel: string, from: number, n: number): (number | null)[] {
  const c = grid.channels.indexOf(channel);
  const out: (number | null)[] = [];
  for (let k = from; k < from + n; k++) {
    out.push(c >= 0 && k >= 0 && k < grid.steps && grid.mask[k * grid.channels.length + c] === 1 ? grid.values[k * grid.channels.length + c] : null);
  }
  return out;
}
