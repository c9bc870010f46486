const EARTH_RADIUS_M = 6_378_137;

/** A local east/north plane (metres) around an origin, converted to WGS84 degrees (flat-earth, fine over tens of km). */
export class LocalFrame {
  private readonly cosLat: number;

  constructor(
    readonly originLat: number,
    readonly originLon: number,
  ) {
    this.cosLat = Math.cos((originLat * Math.PI) / 180);
  }

  toLatLon(east: number, north: number): { lat: number; lon: number } {
    return {
      lat: this.originLat + (north / EARTH_RADIUS_M) * (180 / Math.PI),
      lon: this.originLon + (east / (EARTH_RADIUS_M * this.cosLat)) * (180 / Math.PI),
    };
  }
}

export const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** An angle wrapped to (-π, π]. */
export function wrapAngle(a: number): number {
  let x = a % (2 * Math.PI);
  if (x > Math.PI) x -= 2 * Math.PI;
  if (x <= -Math.PI) x += 2 * Math.PI;
  return x;
}

/** Rounds to a fixed number of decimals, so emitted numbers are short and identical across runs. */
export function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}
