import { Rng } from '../core/rng';

export type Lighting = 'day' | 'dusk' | 'night';
export type Weather = 'clear' | 'rain' | 'fog';

/** What a drive looks like: drawn once per drive. */
export interface Conditions {
  lighting: Lighting;
  weather: Weather;
  /** Mean gap between cars in a lane, m. */
  trafficGap: number;
}

export function drawConditions(rng: Rng): Conditions {
  return {
    lighting: rng.weighted<Lighting>([
      ['day', 6],
      ['dusk', 2.5],
      ['night', 1.5],
    ]),
    weather: rng.weighted<Weather>([
      ['clear', 6.5],
      ['rain', 2],
      ['fog', 1.5],
    ]),
    trafficGap: rng.range(50, 160),
  };
}

/** How far a driver sees, m. */
export function visibility(c: Conditions): number {
  return Math.min(c.weather === 'fog' ? 70 : 160, c.lighting === 'night' ? 90 : 160);
}

/** Drivers slow down in bad weather. */
export function weatherSpeedFactor(c: Conditions): number {
  return c.weather === 'fog' ? 0.8 : c.weather === 'rain' ? 0.9 : 1;
}
