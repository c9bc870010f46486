/** The surprise components kept apart so a reviewer sees why (window_scores.components). */
export const COMPONENTS = ['nllLateral', 'nllLongitudinal', 'latent', 'disagreement'] as const;
export type Component = (typeof COMPONENTS)[number];
export type ComponentValues = Partial<Record<Component, number>>;

/**
 * The most recent `capacity` values of one score (a ring buffer): the fleet's recent distribution
 * for one model version. Answers conformal p-values (share of recent values at least as large) and
 * robust z-scores ((x − median) / (1.4826 · MAD)).
 */
export class RecentValues {
  private values: number[];
  private next: number;
  private sortedCache: number[] | undefined;

  constructor(
    readonly capacity: number,
    state?: { values: number[]; next: number },
  ) {
    this.values = state ? state.values.slice(-capacity) : [];
    this.next = state ? state.next % capacity : 0;
  }

  get size(): number {
    return this.values.length;
  }

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    if (this.values.length < this.capacity) this.values.push(x);
    else this.values[this.next] = x;
    this.next = (this.next + 1) % this.capacity;
    this.sortedCache = undefined;
  }

  private sorted(): number[] {
    this.sortedCache ??= [...this.values].sort((a, b) => a - b);
    return this.sortedCache;
  }

  /** (1 + #{v ≥ x}) / (1 + n): a conformal p-value, 1 when nothing is known. */
  pValue(x: number): number {
    const s = this.sorted();
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return (1 + s.length - lo) / (1 + s.length);
  }

  quantile(q: number): number {
    const s = this.sorted();
    if (s.length === 0) return Number.NaN;
    const pos = q * (s.length - 1);
    const i = Math.floor(pos);
    return i + 1 < s.length ? s[i] + (s[i + 1] - s[i]) * (pos - i) : s[i];
  }

  /** Median and robust scale (1.4826 · MAD, floored so a constant history does not divide by zero). */
  centre(): { median: number; scale: number } {
    const median = this.quantile(0.5);
    const dev = this.sorted().map((v) => Math.abs(v - median)).sort((a, b) => a - b);
    const mad = dev.length ? dev[Math.floor((dev.length - 1) / 2)] : Number.NaN;
    return { median, scale: Math.max(1.4826 * mad, 1e-6, Math.abs(median) * 1e-3) };
  }

  toJSON(): { values: number[]; next: number } {
    return { values: this.values.map((v) => Math.round(v * 1e5) / 1e5), next: this.next };
  }
}

/** Upper tail of the standard normal, P(Z ≥ z) (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export interface CalibrationState {
  components: Partial<Record<Component, { values: number[]; next: number }>>;
  total: { values: number[]; next: number } | undefined;
  seen: number;
}

export interface CalibratedScore {
  /** Robust z of each present component against its recent distribution. */
  z: ComponentValues;
  /** The combined raw evidence: the largest component z (so one channel's surprise is not diluted). */
  raw: number;
  /** The calibrated total: robust z of raw against the recent raws of this model version. */
  total: number;
  /** Conformal p-value of raw among the recent raws (small = rare). */
  pValue: number;
}

/** Robust z of each component against its centre, and the largest of them (0 when none). */
function zRaw(w: ComponentValues, centres: Partial<Record<Component, { median: number; scale: number }>>): { z: ComponentValues; raw: number } {
  const z: ComponentValues = {};
  let raw = Number.NEGATIVE_INFINITY;
  for (const c of COMPONENTS) {
    const v = w[c];
    const centre = centres[c];
    if (v === undefined || !Number.isFinite(v) || !centre) continue;
    z[c] = (v - centre.median) / centre.scale;
    raw = Math.max(raw, z[c]);
  }
  return { z, raw: Number.isFinite(raw) ? raw : 0 };
}

/**
 * Streaming calibration for one model version: each component and the combined score are compared with
 * the most recent values the fleet produced under the same model, so a threshold on `pValue` (or on
 * `total`, in robust standard deviations) means the same across vehicles and model versions. A batch
 * joins the reference before it is scored (conformal style), so a cold start calibrates on itself.
 */
export class SurpriseCalibrator {
  private readonly components: Record<Component, RecentValues>;
  private readonly totals: RecentValues;
  private seenCount: number;

  /**
   * @param capacity recent values kept per score
   * @param minReference below this many recent windows (a new model version) the empirical p-value
   *   cannot be small enough yet, so the p-value is the normal tail of the robust z instead.
   */
  constructor(
    readonly capacity = 4096,
    state?: CalibrationState,
    readonly minReference = 256,
  ) {
    this.components = Object.fromEntries(COMPONENTS.map((c) => [c, new RecentValues(capacity, state?.components[c])])) as Record<Component, RecentValues>;
    this.totals = new RecentValues(capacity, state?.total);
    this.seenCount = state?.seen ?? 0;
  }

  get seen(): number {
    return this.seenCount;
  }

  /** Adds a batch of windows to the reference, then scores each of them. */
  calibrateBatch(batch: readonly ComponentValues[]): CalibratedScore[] {
    for (const w of batch) for (const c of COMPONENTS) if (w[c] !== undefined) this.components[c].add(w[c]);
    const centres = this.centres();
    const partial = batch.map((w) => zRaw(w, centres));
    for (const p of partial) this.totals.add(p.raw);
    this.seenCount += batch.length;
    const t = this.totals.centre();
    return partial.map((p) => {
      const total = (p.raw - t.median) / t.scale;
      return { ...p, total, pValue: this.pValueOf(p.raw, total) };
    });
  }

  /** Each component's recent centre; undefined for a component never seen (no z for it). */
  private centres(): Partial<Record<Component, { median: number; scale: number }>> {
    return Object.fromEntries(COMPONENTS.filter((c) => this.components[c].size > 0).map((c) => [c, this.components[c].centre()]));
  }

  /** Scores without learning (evaluation, explanations). */
  score(w: ComponentValues): CalibratedScore {
    const { z, raw } = zRaw(w, this.centres());
    const t = this.totals.centre();
    const total = this.totals.size ? (raw - t.median) / t.scale : raw;
    return { z, raw, total, pValue: this.pValueOf(raw, total) };
  }

  private pValueOf(raw: number, total: number): number {
    return this.totals.size >= this.minReference ? this.totals.pValue(raw) : normalTail(total);
  }

  /** Typical (median) value of a component, for explanations ("3× the fleet's typical"). */
  typical(c: Component): number {
    return this.components[c].quantile(0.5);
  }

  toState(): CalibrationState {
    return {
      components: Object.fromEntries(COMPONENTS.filter((c) => this.components[c].size > 0).map((c) => [c, this.components[c].toJSON()])),
      total: this.totals.toJSON(),
      seen: this.seenCount,
    };
  }
}
