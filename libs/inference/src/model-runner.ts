import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { MODEL_IO, type EnsembleOutput, type ModelIo } from '@surprisal/surprise';
import { DEVICE_PROVIDERS, InferenceConfigError, unavailableReason, type Device } from './devices';

export type ModelName = keyof ModelIo['models'];
export const MODEL_NAMES: readonly ModelName[] = ['encoder', 'predictor', 'predictorActionsOnly', 'latent'];

export interface LoadOptions {
  /** Devices to try in order (SCORER_DEVICES). */
  devices: readonly Device[];
  /** Rows per onnxruntime run; larger batches are split (bounds memory). */
  maxBatch?: number;
  /** Threads per session on CPU (0: onnxruntime's default). */
  intraOpThreads?: number;
  log?: (message: string) => void;
}

interface Io {
  name: string;
  dtype: string;
  shape: (string | number)[];
}

/** A model directory that does not match the model I/O contract. */
export class ModelContractError extends Error {
  override name = 'ModelContractError';
}

function checkContract(io: ModelIo, dir: string): void {
  const problems: string[] = [];
  for (const key of ['name', 'sampleRateHz', 'historySteps', 'horizonSteps', 'latentAheadSteps', 'embeddingDim', 'ensembleSize'] as const) {
    if (io[key] !== MODEL_IO[key]) problems.push(`${key} is ${String(io[key])}, the scorer speaks ${String(MODEL_IO[key])}`);
  }
  const channels = (io.actionChannels ?? []).map((c) => c.name).join(',');
  if (channels !== MODEL_IO.actionChannels.map((c) => c.name).join(',')) problems.push(`actionChannels are ${channels}`);
  if (io.frame?.width !== MODEL_IO.frame.width || io.frame?.height !== MODEL_IO.frame.height) problems.push('frame size differs');
  if (problems.length) throw new ModelContractError(`${dir}/model-io.json does not match schemas/model-io.v1.json: ${problems.join('; ')}`);
}

function checkSession(name: ModelName, session: InferenceSession, spec: { inputs: Io[]; outputs: Io[] }): void {
  const problems: string[] = [];
  const compare = (kind: string, actual: readonly InferenceSession.ValueMetadata[], expected: Io[]) => {
    for (const e of expected) {
      const a = actual.find((m) => m.name === e.name);
      if (!a) {
        problems.push(`${kind} ${e.name} missing (has ${actual.map((m) => m.name).join(', ')})`);
        continue;
      }
      if (!a.isTensor) continue;
      if (a.type !== e.dtype) problems.push(`${kind} ${e.name} is ${a.type}, expected ${e.dtype}`);
      const fixed = (s: (string | number)[]) => s.map((d) => (typeof d === 'number' ? d : '*')).join('x');
      if (fixed(a.shape as (string | number)[]) !== fixed(e.shape)) problems.push(`${kind} ${e.name} has shape [${a.shape.join(', ')}], expected [${e.shape.join(', ')}]`);
    }
  };
  compare('input', session.inputMetadata, spec.inputs);
  compare('output', session.outputMetadata, spec.outputs);
  if (problems.length) throw new ModelContractError(`${name}: ${problems.join('; ')}`);
}

/** Inputs of the predictors and the latent model, row-major, `n` rows. */
export interface SequenceInputs {
  n: number;
  /** [n, historySteps, embeddingDim]; absent for predictorActionsOnly. */
  embeddings?: Float32Array;
  /** [n, historySteps] */
  embeddingMask?: Float32Array;
  /** [n, historySteps, channels], physical units, 0 where masked. */
  actions: Float32Array;
  actionMask: Float32Array;
}

/**
 * One loaded model set (encoder, predictors, latent) on one execution provider. The only code that
 * touches onnxruntime: inputs are flat Float32Arrays shaped by the model I/O contract; batches larger
 * than `maxBatch` are split and the outputs stitched back together.
 */
export class LoadedModel {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly io: ModelIo,
    /** The execution provider actually running (e.g. 'cpu' after a CUDA fallback). */
    readonly provider: Device,
    /** Why earlier devices of the list were skipped. */
    readonly fallbacks: readonly string[],
    private readonly sessions: Record<ModelName, InferenceSession>,
    readonly maxBatch: number,
  ) {}

  /** Loads a model directory (model-io.json + ONNX files), on the first device of the list that works. */
  static async load(dir: string, options: LoadOptions): Promise<LoadedModel> {
    const log = options.log ?? (() => undefined);
    let io: ModelIo;
    try {
      io = JSON.parse(await readFile(join(dir, 'model-io.json'), 'utf8')) as ModelIo;
    } catch (err) {
      throw new ModelContractError(`${dir}: cannot read model-io.json (${(err as Error).message})`);
    }
    checkContract(io, dir);
    const fallbacks: string[] = [];
    for (const device of options.devices) {
      const reason = unavailableReason(device);
      if (reason) {
        fallbacks.push(`${device}: ${reason}`);
        log(`Inference: skipping ${device}: ${reason}`);
        continue;
      }
      const sessionOptions: InferenceSession.SessionOptions = {
        executionProviders: [DEVICE_PROVIDERS[device]],
        graphOptimizationLevel: 'all',
        ...(device === 'cpu' && options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
      };
      const opened: Partial<Record<ModelName, InferenceSession>> = {};
      try {
        for (const name of MODEL_NAMES) {
          const spec = io.models[name];
          const session = await InferenceSession.create(join(dir, spec.file), sessionOptions);
          opened[name] = session;
          checkSession(name, session, spec);
        }
      } catch (err) {
        await Promise.all(Object.values(opened).map((s) => s.release()));
        if (err instanceof ModelContractError) throw err;
        const message = (err as Error).message.split('\n')[0].slice(0, 300);
        fallbacks.push(`${device}: ${message}`);
        log(`Inference: ${device} failed (${message}); trying the next device`);
        continue;
      }
      log(`Inference: model ${dir} runs on ${device}${fallbacks.length ? ` (fell back: ${fallbacks.join('; ')})` : ''}`);
      return new LoadedModel(dir, io, device, fallbacks, opened as Record<ModelName, InferenceSession>, options.maxBatch ?? 512);
    }
    throw new InferenceConfigError(`No device of [${options.devices.join(', ')}] can run ${dir}: ${fallbacks.join('; ')}`);
  }

  /** Serialises runs of this model (onnxruntime sessions are used one call at a time here). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runChunked(name: ModelName, n: number, feeds: (from: number, to: number) => Record<string, Tensor>, outputs: string[]): Promise<Record<string, { data: Float32Array; dims: readonly number[] }[]>> {
    const session = this.sessions[name];
    const parts: Record<string, { data: Float32Array; dims: readonly number[] }[]> = Object.fromEntries(outputs.map((o) => [o, []]));
    for (let from = 0; from < n; from += this.maxBatch) {
      const to = Math.min(n, from + this.maxBatch);
      const result = await this.exclusive(() => session.run(feeds(from, to)));
      for (const o of outputs) {
        const t = result[o];
        parts[o].push({ data: t.data as Float32Array, dims: t.dims });
        t.dispose();
      }
    }
    return parts;
  }

  /** frames: [n, 3, H, W] scaled by pixelScale → embeddings [n, embeddingDim]. */
  async encode(frames: Float32Array, n: number): Promise<Float32Array> {
    const { width: W, height: H, channels: C } = this.io.frame;
    const per = C * H * W;
    if (frames.length !== n * per) throw new Error(`encode: expected ${n * per} values, got ${frames.length}`);
    const parts = await this.runChunked('encoder', n, (a, b) => ({ frames: new Tensor('float32', frames.subarray(a * per, b * per), [b - a, C, H, W]) }), ['embedding']);
    return concat(parts.embedding.map((p) => p.data));
  }

  /** The action predictor with or without frame embeddings → ensemble means and log-variances [members, n, steps, channels]. */
  async predict(kind: 'predictor' | 'predictorActionsOnly', x: SequenceInputs): Promise<EnsembleOutput> {
    const C = this.io.actionChannels.length;
    const M = this.io.ensembleSize;
    const H = this.io.horizonSteps;
    const parts = await this.runChunked(kind, x.n, (a, b) => this.sequenceFeeds(kind, x, a, b), ['mean', 'logVar']);
    // One chunk (the usual case) is already [M, n, H, C].
    if (parts.mean.length === 1) return { members: M, batch: x.n, steps: H, channels: C, mean: parts.mean[0].data, logVar: parts.logVar[0].data };
    // Each chunk is [M, rows, H, C]: re-interleave to [M, n, H, C].
    const mean = new Float32Array(M * x.n * H * C);
    const logVar = new Float32Array(M * x.n * H * C);
    let row = 0;
    parts.mean.forEach((p, i) => {
      const rows = p.dims[1];
      for (let m = 0; m < M; m++) {
        const src = m * rows * H * C;
        const dst = (m * x.n + row) * H * C;
        mean.set(p.data.subarray(src, src + rows * H * C), dst);
        logVar.set(parts.logVar[i].data.subarray(src, src + rows * H * C), dst);
      }
      row += rows;
    });
    return { members: M, batch: x.n, steps: H, channels: C, mean, logVar };
  }

  /** The latent predictor → the predicted embedding latentAheadSteps ahead, [n, embeddingDim]. */
  async latent(x: SequenceInputs): Promise<Float32Array> {
    const parts = await this.runChunked('latent', x.n, (a, b) => this.sequenceFeeds('latent', x, a, b), ['embeddingAhead']);
    return concat(parts.embeddingAhead.map((p) => p.data));
  }

  private sequenceFeeds(kind: ModelName, x: SequenceInputs, a: number, b: number): Record<string, Tensor> {
    const S = this.io.historySteps;
    const C = this.io.actionChannels.length;
    const D = this.io.embeddingDim;
    const rows = b - a;
    const feeds: Record<string, Tensor> = {
      actions: new Tensor('float32', x.actions.subarray(a * S * C, b * S * C), [rows, S, C]),
      actionMask: new Tensor('float32', x.actionMask.subarray(a * S * C, b * S * C), [rows, S, C]),
    };
    if (kind !== 'predictorActionsOnly') {
      if (!x.embeddings || !x.embeddingMask) throw new Error(`${kind} needs embeddings and embeddingMask`);
      feeds.embeddings = new Tensor('float32', x.embeddings.subarray(a * S * D, b * S * D), [rows, S, D]);
      feeds.embeddingMask = new Tensor('float32', x.embeddingMask.subarray(a * S, b * S), [rows, S]);
    }
    return feeds;
  }

  async release(): Promise<void> {
    await this.exclusive(async () => {
      await Promise.all(Object.values(this.sessions).map((s) => s.release()));
    });
  }
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
