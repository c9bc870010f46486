import { type ActionSample } from '@surprisal/contracts';
import { type LoadedModel, type SequenceInputs } from '@surprisal/inference';
import {
  DEFAULT_WINDOW_OPTIONS,
  latentError,
  planWindows,
  resampleToGrid,
  ruleTriggers,
  scoreActions,
  speedFlatline,
  stepMs,
  unit,
  type ComponentValues,
  type Grid,
  type ModelIo,
  type TriggerHit,
  type WindowPlan,
} from '@surprisal/surprise';

/** Frame embeddings of a segment's clips (and the history before it), in time order. */
export interface FrameEmbeddings {
  t: number[];
  dim: number;
  data: Float32Array;
}

export interface SegmentToScore {
  segmentId: string;
  vehicleId: string;
  driveId: string;
  startT: number;
  endT: number;
  /** This segment's samples and, for the first windows' history, the previous segment's. */
  samples: readonly ActionSample[];
  frames: FrameEmbeddings | undefined;
}

/** The predicted vs actual series stored in window_scores.series (the API reads this shape). */
export interface WindowSeries {
  /** ms offsets of the horizon steps from the window's start. */
  t: number[];
  actual: Record<string, (number | null)[]>;
  predicted: Record<string, { mean: number[]; std: number[] }>;
  predictor: 'predictor' | 'predictorActionsOnly';
}

/** One window scored by the models, before calibration. */
export interface RawWindow {
  segmentId: string;
  vehicleId: string;
  driveId: string;
  startT: number;
  endT: number;
  components: ComponentValues;
  /** Mean NLL over all present future elements (the trainer's window NLL). */
  nll: number;
  triggers: TriggerHit[];
  series: WindowSeries;
  /** For de-duplication: the residual pattern of the surprise, plus the scene's embedding when there is video. */
  embedding: number[];
}

const EXTRA_CHANNELS = ['brake'];
const LATERAL = ['steering', 'yawRate'];
const LONGITUDINAL = ['speed', 'accel'];
/** Horizon steps sampled for the residual signature. */
const SIGNATURE_STEPS = [3, 7, 11, 15, 19];
const SIGNATURE_CHANNELS = ['speed', 'steering', 'accel', 'yawRate'];

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

interface Prepared {
  seg: SegmentToScore;
  grid: Grid;
  plans: WindowPlan[];
  /** Per grid step, the row of frames.data matched to it (−1: none). */
  frameOfStep: Int32Array;
}

/**
 * What scoring segment [startT, endT) reads: samples and frames from `fromT` (the history and horizon of
 * its first windows reach back into the previous segment, plus a grid step) to `toT` (its end plus a step).
 */
export function segmentSpan(io: ModelIo, startT: number, endT: number): { fromT: number; toT: number } {
  const step = stepMs(io);
  return { fromT: startT - (io.historySteps + io.horizonSteps + 1) * step, toT: endT + step };
}

/**
 * Scores the windows of a batch of segments with one model: every window of every segment goes to
 * onnxruntime together (the video predictor for windows with any frame embedding, the actions-only
 * predictor for the rest, the latent predictor where the frame ahead exists), so the device works on
 * large batches across vehicles.
 */
export async function scoreSegments(model: LoadedModel, segments: readonly SegmentToScore[]): Promise<RawWindow[]> {
  const io = model.io;
  const channels = io.actionChannels.map((c) => c.name);
  const gridChannels = [...channels, ...EXTRA_CHANNELS];
  const step = stepMs(io);
  const S = io.historySteps;
  const H = io.horizonSteps;
  const C = channels.length;
  const D = io.embeddingDim;
  const GC = gridChannels.length;
  // Channel indices, the same for every window of the call.
  const groups = {
    lateral: LATERAL.map((n) => channels.indexOf(n)).filter((c) => c >= 0),
    longitudinal: LONGITUDINAL.map((n) => channels.indexOf(n)).filter((c) => c >= 0),
  };
  const signatureChannels = SIGNATURE_CHANNELS.map((name) => channels.indexOf(name));

  const prepared: Prepared[] = segments.map((seg) => {
    const t0 = Math.floor((seg.startT - (S + H + 10) * step) / step) * step;
    const steps = Math.ceil((seg.endT - t0) / step) + H + 1;
    const grid = resampleToGrid(seg.samples, gridChannels, t0, steps, step, io.maxGapMs);
    const plans = planWindows(grid, seg, { ...DEFAULT_WINDOW_OPTIONS, historySteps: S, horizonSteps: H });
    const frameOfStep = new Int32Array(steps).fill(-1);
    if (seg.frames && seg.frames.t.length > 0) {
      const ft = seg.frames.t;
      let j = 0;
      for (let k = 0; k < steps; k++) {
        const g = t0 + k * step;
        while (j + 1 < ft.length && Math.abs(ft[j + 1] - g) <= Math.abs(ft[j] - g)) j++;
        if (Math.abs(ft[j] - g) <= io.frame.frameMatchMs) frameOfStep[k] = j;
      }
    }
    return { seg, grid, plans, frameOfStep };
  });

  type Row = { p: Prepared; plan: WindowPlan; video: boolean };
  const rows: Row[] = [];
  for (const p of prepared) {
    for (const plan of p.plans) {
      let video = false;
      for (let k = plan.historyFrom; k <= plan.nowIdx && !video; k++) video = p.frameOfStep[k] >= 0;
      rows.push({ p, plan, video });
    }
  }

  const build = (subset: Row[], withVideo: boolean): SequenceInputs => {
    const n = subset.length;
    const actions = new Float32Array(n * S * C);
    const actionMask = new Float32Array(n * S * C);
    const embeddings = withVideo ? new Float32Array(n * S * D) : undefined;
    const embeddingMask = withVideo ? new Float32Array(n * S) : undefined;
    subset.forEach(({ p, plan }, r) => {
      for (let s = 0; s < S; s++) {
        const k = plan.historyFrom + s;
        for (let c = 0; c < C; c++) {
          if (p.grid.mask[k * GC + c] === 1) {
            actions[(r * S + s) * C + c] = p.grid.values[k * GC + c]!;
            actionMask[(r * S + s) * C + c] = 1;
          }
        }
        const f = p.frameOfStep[k];
        if (embeddings && embeddingMask && f >= 0 && p.seg.frames) {
          embeddings.set(p.seg.frames.data.subarray(f * D, (f + 1) * D), (r * S + s) * D);
          embeddingMask[r * S + s] = 1;
        }
      }
    });
    return { n, actions, actionMask, embeddings, embeddingMask };
  };

  const out: RawWindow[] = [];
  for (const kind of ['predictor', 'predictorActionsOnly'] as const) {
    const subset = rows.filter((r) => r.video === (kind === 'predictor'));
    if (subset.length === 0) continue;
    const inputs = build(subset, kind === 'predictor');
    const ensemble = await model.predict(kind, inputs);
    // The latent model only where the frame latentAheadSteps ahead exists.
    const latentRows = kind === 'predictor' ? subset.map((r, i) => ({ r, i })).filter(({ r }) => r.p.frameOfStep[r.plan.nowIdx + io.latentAheadSteps] >= 0) : [];
    const latentByRow = new Map<number, number>();
    if (latentRows.length > 0) {
      const li = build(latentRows.map((x) => x.r), true);
      const ahead = await model.latent(li);
      latentRows.forEach(({ r, i }, j) => {
        const f = r.p.frameOfStep[r.plan.nowIdx + io.latentAheadSteps];
        latentByRow.set(i, latentError(ahead.subarray(j * D, (j + 1) * D), r.p.seg.frames!.data.subarray(f * D, (f + 1) * D)));
      });
    }
    subset.forEach((row, i) => {
      const { p, plan } = row;
      const future = new Float32Array(H * C);
      const futureMask = new Float32Array(H * C);
      for (let j = 0; j < H; j++) {
        const k = plan.nowIdx + 1 + j;
        for (let c = 0; c < C; c++) {
          future[j * C + c] = p.grid.values[k * GC + c]!;
          futureMask[j * C + c] = p.grid.mask[k * GC + c]!;
        }
      }
      const s = scoreActions(ensemble, i, future, futureMask, io.actionChannels, groups);
      const components: ComponentValues = {};
      if (Number.isFinite(s.nllLateral)) components.nllLateral = s.nllLateral;
      if (Number.isFinite(s.nllLongitudinal)) components.nllLongitudinal = s.nllLongitudinal;
      if (Number.isFinite(s.disagreement)) components.disagreement = s.disagreement;
      const le = latentByRow.get(i);
      if (le !== undefined) components.latent = le;
      const flat = speedFlatline(p.grid, plan.nowIdx + 1, H);
      if (flat !== undefined) components.speedFlatline = flat;

      const series: WindowSeries = { t: [], actual: {}, predicted: {}, predictor: kind };
      for (let j = 0; j < H; j++) series.t.push((j + 1) * step);
      channels.forEach((name, c) => {
        series.actual[name] = Array.from({ length: H }, (_, j) => (futureMask[j * C + c] === 1 ? round(future[j * C + c]) : null));
        series.predicted[name] = {
          mean: Array.from({ length: H }, (_, j) => round(s.prediction.mean[j * C + c])),
          std: Array.from({ length: H }, (_, j) => round(s.prediction.std[j * C + c])),
        };
      });

      const signature: number[] = [];
      for (const c of signatureChannels) {
        for (const j of SIGNATURE_STEPS) {
          const ok = c >= 0 && futureMask[j * C + c] === 1;
          signature.push(ok ? (future[j * C + c] - s.prediction.mean[j * C + c]) / io.actionChannels[c].std : 0);
        }
      }
      let embedding = unit(signature);
      const f = p.frameOfStep[plan.nowIdx];
      if (f >= 0 && p.seg.frames) embedding = [...embedding, ...unit(Array.from(p.seg.frames.data.subarray(f * D, (f + 1) * D)))];

      out.push({
        segmentId: p.seg.segmentId,
        vehicleId: p.seg.vehicleId,
        driveId: p.seg.driveId,
        startT: plan.nowT,
        endT: plan.endT,
        components,
        nll: s.nll,
        triggers: ruleTriggers(p.grid, plan.nowIdx + 1, H),
        series,
        embedding: embedding.map((x) => round(x, 4)),
      });
    });
  }
  return out.sort((a, b) => (a.segmentId === b.segmentId ? a.startT - b.startT : a.segmentId < b.segmentId ? -1 : 1));
}
