/** What peak finding needs of a scored window. */
export interface ScoredWindowLike {
  startT: number;
  endT: number;
  total: number;
  pValue: number;
}

export interface PeakOptions {
  /** A window is surprising when its p-value is at most this… */
  maxPValue: number;
  /** …and its calibrated total at least this (robust standard deviations). */
  minTotal: number;
  /** Surprising windows closer than this (gap between one's end and the next's start) merge into one event. */
  mergeGapMs: number;
}

export const DEFAULT_PEAK_OPTIONS: PeakOptions = { maxPValue: 0.02, minTotal: 3, mergeGapMs: 0 };

export interface Peak<W extends ScoredWindowLike> {
  startT: number;
  endT: number;
  /** The window of highest total. */
  peak: W;
  windows: W[];
}

/** Surprising windows of one drive merged in time into events, each represented by its highest window. */
export function findPeaks<W extends ScoredWindowLike>(windows: readonly W[], o: PeakOptions = DEFAULT_PEAK_OPTIONS): Peak<W>[] {
  const hot = windows.filter((w) => w.pValue <= o.maxPValue && w.total >= o.minTotal).sort((a, b) => a.startT - b.startT);
  const peaks: Peak<W>[] = [];
  for (const w of hot) {
    const last = peaks[peaks.length - 1];
    if (last && w.startT <= last.endT + o.mergeGapMs) {
      last.endT = Math.max(last.endT, w.endT);
      last.windows.push(w);
      if (w.total > last.peak.total) last.peak = w;
    } else {
      peaks.push({ startT: w.startT, endT: w.endT, peak: w, windows: [w] });
    }
  }
  return peaks;
}
