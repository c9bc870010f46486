import { PNG } from 'pngjs';

/** Lays RGB24 frames out in a grid (row-major) as one PNG, each frame scaled up by an integer factor. */
export function contactSheet(frames: readonly Buffer[], width: number, height: number, columns: number, scale = 2): Buffer {
  const rows = Math.ceil(frames.length / columns);
  const gap = 2;
  const png = new PNG({ width: columns * (width * scale + gap), height: rows * (height * scale + gap) });
  png.data.fill(255);
  frames.forEach((frame, k) => {
    const ox = (k % columns) * (width * scale + gap);
    const oy = Math.floor(k / columns) * (height * scale + gap);
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < width * scale; x++) {
        const src = (Math.floor(y / scale) * width + Math.floor(x / scale)) * 3;
        const dst = ((oy + y) * png.width + ox + x) * 4;
        png.data[dst] = frame[src];
        png.data[dst + 1] = frame[src + 1];
        png.data[dst + 2] = frame[src + 2];
        png.data[dst + 3] = 255;
      }
    }
  });
  return PNG.sync.write(png);
}
