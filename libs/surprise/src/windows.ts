import { gridIndex, type Grid } from './grid';

export interface WindowPlan {
  /** 'now': the last history step; the window's start_t. */
  nowT: number;
  /** Grid index of the first history step. */
  historyFrom: number;
  /** Grid index of now. */
  nowIdx: number;
  /** The window's end_t: now + horizon. */
  endT: number;
}

export interface WindowOptions {
  historySteps: number;
  horizonSteps: number;
  /** Windows start every strideMs (500), aligned to the epoch. */
  strideMs: number;
  /** Channel whose presence decides whether a window can be scored (speed: required on the wire). */
  requiredChannel: string;
  /** Least fraction of history and horizon steps where the required channel is present. */
  minPresent: number;
}

export const DEFAULT_WINDOW_OPTIONS: Omit<WindowOptions, 'historySteps' | 'horizonSteps'> = { strideMs: 500, requiredChannel: 'speed', minPresent: 0.5 };

/**
 * The windows a segment [startT, endT) owns: every stride-aligned 'now' whose horizon ends inside
 * (startT, endT], so consecutive segments of a drive cover each moment's future exactly once. The
 * history may reach into the previous segment (the grid should include it). A window is dropped when
 * 'now' lacks the required channel or too little of its history or horizon is present.
 */
export function planWindows(grid: Grid, segment: { startT: number; endT: number }, o: WindowOptions): WindowPlan[] {
  const horizonMs = o.horizonSteps * grid.stepMs;
  const c = grid.channels.indexOf(o.requiredChannel);
  if (c < 0) throw new Error(`planWindows: the grid lacks the required channel ${o.requiredChannel}`);
  const C = grid.channels.length;
  const present = (k: number) => k >= 0 && k < grid.steps && grid.mask[k * C + c] === 1;
  const plans: WindowPlan[] = [];
  const first = Math.floor((segment.startT - horizonMs) / o.strideMs) * o.strideMs + o.strideMs;
  for (let now = first; now + horizonMs <= segment.endT; now += o.strideMs) {
    const nowIdx = gridIndex(grid, now);
    const historyFrom = nowIdx - (o.historySteps - 1);
    if (nowIdx < 0 || historyFrom < 0 || nowIdx + o.horizonSteps >= grid.steps || !present(nowIdx)) continue;
    let h = 0;
    for (let k = historyFrom; k <= nowIdx; k++) if (present(k)) h++;
    let f = 0;
    for (let k = nowIdx + 1; k <= nowIdx + o.horizonSteps; k++) if (present(k)) f++;
    if (h < o.minPresent * o.historySteps || f < o.minPresent * o.horizonSteps) continue;
    plans.push({ nowT: now, historyFrom, nowIdx, endT: now + horizonMs });
  }
  return plans;
}

/**
 * Share of a window's horizon (grid steps nowIdx+1 … nowIdx+horizonSteps) where `channel` is absent inside the
 * drive: a step counts only when the channel is present again at some later grid step, so a drive (or the data
 * so far) that simply ends is not a gap, while a logger that stopped reporting for a while is. Resampling
 * leaves such a gap absent (model-io.v1 "timing") and the action NLL averages over present elements only, so
 * without this a sensor gap is invisible to the surprise score. 0 when the whole horizon is present.
 */
export function horizonGapShare(grid: Grid, nowIdx: number, horizonSteps: number, channel: string): number {
  const c = grid.channels.indexOf(channel);
  if (c < 0) throw new Error(`horizonGapShare: the grid lacks the channel ${channel}`);
  const C = grid.channels.length;
  const present = (k: number) => grid.mask[k * C + c] === 1;
  let lastPresent = -1;
  for (let k = grid.steps - 1; k > nowIdx; k--) {
    if (present(k)) {
      lastPresent = k;
      break;
    }
  }
  let gaps = 0;
  const end = Math.min(nowIdx + horizonSteps, grid.steps - 1);
  for (let k = nowIdx + 1; k <= end; k++) if (k < lastPresent && !present(k)) gaps++;
  return horizonSteps > 0 ? gaps / horizonSteps : 0;
}

/**
 * How far a window's speed signal strays from what its acceleration signal says, over the horizon: the largest
 * |(v(now+j) − v(now)) − ∫ₙₒᵥ^{now+j} a dt| (m/s, trapezoids over the grid) for j = 1 … horizonSteps, stopping at the first
 * step where either is absent. Two sensors measure the same motion (wheel speed, accelerometer), so on a healthy
 * vehicle this stays near the fleet's usual small drift; a frozen or stuck speed signal while the vehicle brakes or
 * accelerates (which the predictor, reading the same frozen speed, takes for calm driving) makes it large. NaN when
 * the grid lacks either channel or either is absent at now or the step after.
 */
export function speedAccelMismatch(grid: Grid, nowIdx: number, horizonSteps: number, speed = 'speed', accel = 'accel'): number {
  const cv = grid.channels.indexOf(speed);
  const ca = grid.channels.indexOf(accel);
  if (cv < 0 || ca < 0) return Number.NaN;
  const C = grid.channels.length;
  const ok = (k: number) => k >= 0 && k < grid.steps && grid.mask[k * C + cv] === 1 && grid.mask[k * C + ca] === 1;
  if (!ok(nowIdx)) return Number.NaN;
  const dt = grid.stepMs / 1000;
  const v0 = grid.values[nowIdx * C + cv];
  let integral = 0;
  let worst = Number.NaN;
  for (let k = nowIdx + 1; k <= nowIdx + horizonSteps && ok(k); k++) {
    integral += ((grid.values[(k - 1) * C + ca] + grid.values[k * C + ca]) / 2) * dt;
    const miss = Math.abs(grid.values[k * C + cv] - v0 - integral);
    worst = Number.isNaN(worst) ? miss : Math.max(worst, miss);
  }
  return worst;
}
