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
