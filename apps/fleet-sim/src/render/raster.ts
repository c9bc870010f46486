/** An RGB24 image: what the renderer draws into and the video encoder reads. */
export class RgbImage {
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 3);
  }

  fillRows(y0: number, y1: number, top: readonly number[], bottom: readonly number[]): void {
    for (let y = Math.max(0, y0); y < Math.min(this.height, y1); y++) {
      const f = (y - y0) / Math.max(1, y1 - y0);
      const r = top[0] + (bottom[0] - top[0]) * f;
      const g = top[1] + (bottom[1] - top[1]) * f;
      const b = top[2] + (bottom[2] - top[2]) * f;
      for (let x = 0; x < this.width; x++) this.set(x, y, r, g, b);
    }
  }

  set(x: number, y: number, r: number, g: number, b: number): void {
    const i = (y * this.width + x) * 3;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
  }

  get(x: number, y: number): [number, number, number] {
    const i = (y * this.width + x) * 3;
    return [this.data[i], this.data[i + 1], this.data[i + 2]];
  }

  /** Fills a convex polygon given in pixel coordinates (scanline, pixel centres). */
  fillConvex(xs: readonly number[], ys: readonly number[], r: number, g: number, b: number): void {
    const n = xs.length;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const y of ys) {
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    const y0 = Math.max(0, Math.ceil(minY - 0.5));
    const y1 = Math.min(this.height - 1, Math.floor(maxY - 0.5));
    for (let y = y0; y <= y1; y++) {
      const yc = y + 0.5;
      let left = Infinity;
      let right = -Infinity;
      for (let i = 0; i < n; i++) {
        const j = (i + 1) % n;
        const ya = ys[i];
        const yb = ys[j];
        if ((yc < ya && yc < yb) || (yc > ya && yc > yb) || ya === yb) continue;
        const x = xs[i] + ((yc - ya) / (yb - ya)) * (xs[j] - xs[i]);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
      const x0 = Math.max(0, Math.ceil(left - 0.5));
      const x1 = Math.min(this.width - 1, Math.floor(right - 0.5));
      for (let x = x0; x <= x1; x++) this.set(x, y, r, g, b);
    }
  }

  /** Fills an axis-aligned rectangle, at least one pixel (distant objects stay visible as a dot). */
  fillRect(x0: number, y0: number, x1: number, y1: number, r: number, g: number, b: number): void {
    let xa = Math.round(x0);
    let xb = Math.round(x1);
    let ya = Math.round(y0);
    let yb = Math.round(y1);
    if (xb <= xa) xb = xa + 1;
    if (yb <= ya) yb = ya + 1;
    xa = Math.max(0, xa);
    ya = Math.max(0, ya);
    xb = Math.min(this.width, xb);
    yb = Math.min(this.height, yb);
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) this.set(x, y, r, g, b);
  }
}
