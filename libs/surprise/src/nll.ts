const LN_2PI = Math.log(2 * Math.PI);

/** Gaussian negative log-likelihood of x under N(mu, variance). */
export function gaussianNll(x: number, mu: number, variance: number): number {
  return 0.5 * (LN_2PI + Math.log(variance) + ((x - mu) * (x - mu)) / variance);
}

/** Ensemble outputs as onnxruntime returns them: `[members, batch, steps, channels]`, physical units. */
export interface EnsembleOutput {
  members: number;
  batch: number;
  steps: number;
  channels: number;
  mean: Float32Array;
  logVar: Float32Array;
}

export interface ChannelNorm {
  mean: number;
  std: number;
}

/** Per step and channel of one window, in physical units: the moment-matched mixture and the members' spread. */
export interface WindowPrediction {
  /** [steps * channels] */
  mean: Float64Array;
  std: Float64Array;
}

export interface ActionSurprise {
  /** Mean NLL over present future elements (the trainer's window NLL), normalised units. */
  nll: number;
  /** The same over the lateral channels (steering, yaw rate) and the longitudinal ones (speed, accel); NaN when none present. */
  nllLateral: number;
  nllLongitudinal: number;
  /** Mean over present elements of the variance of the members' normalised means. */
  disagreement: number;
  /** Per channel: mean over present steps of NLL (NaN where absent). */
  nllByChannel: number[];
  prediction: WindowPrediction;
}

/**
 * Scores window b of an ensemble output against the actual future (model-io.v1 "scoring"): members
 * are combined by moment matching in normalised units; NLL and disagreement are means over the
 * present future elements (mask 1). `future` and `futureMask` are [steps * channels], physical units.
 */
export function scoreActions(
  out: EnsembleOutput,
  b: number,
  future: ArrayLike<number>,
  futureMask: ArrayLike<number>,
  norms: readonly ChannelNorm[],
  groups: { lateral: readonly number[]; longitudinal: readonly number[] },
): ActionSurprise {
  const { members: M, batch: B, steps: S, channels: C } = out;
  const mean = new Float64Array(S * C);
  const std = new Float64Array(S * C);
  const sumByChannel = new Float64Array(C);
  const countByChannel = new Float64Array(C);
  let disagreementSum = 0;
  let count = 0;
  for (let s = 0; s < S; s++) {
    for (let c = 0; c < C; c++) {
      const { mean: cm, std: cs } = norms[c];
      const ln2std = 2 * Math.log(cs);
      let mu = 0;
      let second = 0;
      let sq = 0;
      for (let m = 0; m < M; m++) {
        const idx = ((m * B + b) * S + s) * C + c;
        const mum = (out.mean[idx] - cm) / cs;
        const varm = Math.exp(out.logVar[idx] - ln2std);
        mu += mum;
        sq += mum * mum;
        second += varm + mum * mum;
      }
      mu /= M;
      const variance = Math.max(second / M - mu * mu, 1e-9);
      const spread = Math.max(sq / M - mu * mu, 0);
      mean[s * C + c] = mu * cs + cm;
      std[s * C + c] = Math.sqrt(variance) * cs;
      if (futureMask[s * C + c] !== 1) continue;
      const z = (future[s * C + c] - cm) / cs;
      const nll = gaussianNll(z, mu, variance);
      sumByChannel[c] += nll;
      countByChannel[c] += 1;
      disagreementSum += spread;
      count++;
    }
  }
  const groupMean = (cs: readonly number[]) => {
    let s = 0;
    let n = 0;
    for (const c of cs) {
      s += sumByChannel[c];
      n += countByChannel[c];
    }
    return n > 0 ? s / n : Number.NaN;
  };
  let total = 0;
  for (let c = 0; c < C; c++) total += sumByChannel[c];
  return {
    nll: count > 0 ? total / count : Number.NaN,
    nllLateral: groupMean(groups.lateral),
    nllLongitudinal: groupMean(groups.longitudinal),
    disagreement: count > 0 ? disagreementSum / count : Number.NaN,
    nllByChannel: Array.from(sumByChannel, (s, c) => (countByChannel[c] > 0 ? s / countByChannel[c] : Number.NaN)),
    prediction: { mean, std },
  };
}

/** Mean squared difference between a predicted and an actual embedding (model-io.v1 "latentError"). */
export function latentError(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length || predicted.length === 0) throw new Error(`latentError: lengths differ (${predicted.length} vs ${actual.length})`);
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += (predicted[i] - actual[i]) ** 2;
  return s / predicted.length;
}
