import { channelSeries, type Grid } from './grid';

/** Below this speed (m/s) an unchanging speed is a standing or crawling vehicle, not a frozen sensor. */
const MOVING_MPS = 3;
/** Fewer moving steps than this in a horizon say nothing about the signal. */
const MIN_MOVING_STEPS = 5;

/**
 * The share of a horizon's steps (grid steps [from, from + n), each against the step before it) where a
 * moving vehicle's speed did not change at all: a frozen speed signal. A predictor takes a frozen history
 * at face value and predicts more of the same, so only the data itself shows it. A real speed signal moves
 * by some thousandths of a m/s between steps even at a steady cruise. Undefined when the vehicle is not
 * moving for long enough, or speed is absent.
 */
export function speedFlatline(grid: Grid, from: number, n: number): number | undefined {
  const speed = channelSeries(grid, 'speed', from - 1, n + 1);
  let moving = 0;
  let flat = 0;
  for (let k = 1; k < speed.length; k++) {
    const a = speed[k - 1];
    const b = speed[k];
    if (a === null || b === null || b < MOVING_MPS) continue;
    moving++;
    if (a === b) flat++;
  }
  return moving >= MIN_MOVING_STEPS ? flat / moving : undefined;
}
