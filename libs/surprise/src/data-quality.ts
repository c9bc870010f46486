import { channelSeries, type Grid } from './grid';

/** Below this speed (m/s) an unchanging speed is a standing or crawling vehicle, not a frozen sensor. */
const MOVING_MPS = 3;
/** Fewer moving steps than this in a horizon say nothing about the signal. */
const MIN_MOVING_STEPS = 5;

/**
 * The longest run of a horizon's steps (grid steps [from, from + n), each against the step before it)
 * over which a moving vehicle's speed did not change at all, as a share of the horizon: a frozen speed
 * signal. A predictor takes a frozen history at face value and predicts more of the same, so only the
 * data itself shows it. A live signal logged to the millimetre per second repeats a value for a step or
 * two at a steady cruise, never for a second on end. Undefined when the vehicle is not moving for long
 * enough, or speed is absent.
 */
export function speedFlatline(grid: Grid, from: number, n: number): number | undefined {
  const speed = channelSeries(grid, 'speed', from - 1, n + 1);
  let moving = 0;
  let run = 0;
  let longest = 0;
  for (let k = 1; k < speed.length; k++) {
    const a = speed[k - 1];
    const b = speed[k];
    if (a === null || b === null || b < MOVING_MPS) {
      run = 0;
      continue;
    }
    moving++;
    run = a === b ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return moving >= MIN_MOVING_STEPS ? longest / n : undefined;
}
