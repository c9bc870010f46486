import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, LoadedModel, ModelContractError, parseDevices } from '../index';

/** The model the tests run: the repository's default model (SURPRISAL_TEST_MODEL_DIR overrides it). */
const MODEL_DIR = process.env.SURPRISAL_TEST_MODEL_DIR ?? defaultModelDir();

describe('parseDevices', () => {
  it('defaults to cuda then cpu and names what is supported when a device is unknown', () => {
    expect(parseDevices(undefined)).toEqual(['cuda', 'cpu']);
    expect(parseDevices(' CPU ,cpu')).toEqual(['cpu']);
    expect(() => parseDevices('tpu,cpu')).toThrow(/unknown device "tpu"; supported: cuda, tensorrt, cpu/);
    expect(() => parseDevices(',')).toThrow(/empty list/);
  });
});

describe('LoadedModel (real exported model)', () => {
  let model: LoadedModel;
  const logs: string[] = [];

  beforeAll(async () => {
    model = await LoadedModel.load(MODEL_DIR, { devices: ['cuda', 'cpu'], maxBatch: 4, log: (m) => logs.push(m) });
  });
  afterAll(async () => {
    await model?.release();
  });

  it('falls back from CUDA to CPU with a logged reason when CUDA is absent, and reports the provider', () => {
    // This suite runs on CPU-only machines; on a CUDA build it would report cuda and no fallback.
    if (model.provider === 'cpu') {
      expect(model.fallbacks.join(' ')).toMatch(/cuda/);
      expect(logs.some((l) => /cuda/.test(l) && /skipping|failed/.test(l))).toBe(true);
    }
    expect(logs.some((l) => l.includes(`runs on ${model.provider}`))).toBe(true);
  });

  it('encodes frames to embeddings of the contract size', async () => {
    const per = 3 * 64 * 64;
    const frames = new Float32Array(6 * per).map((_, i) => ((i * 37) % 255) / 255);
    const emb = await model.encode(frames, 6);
    expect(emb).toHaveLength(6 * model.io.embeddingDim);
    expect(emb.every(Number.isFinite)).toBe(true);
  });

  it('runs the predictors in chunks and stitches rows back in order', async () => {
    const n = 10;
    const S = 20;
    const C = 4;
    const actions = new Float32Array(n * S * C).map((_, i) => (i % C === 0 ? 5 + Math.floor(i / (S * C)) : 0));
    const actionMask = new Float32Array(n * S * C).fill(1);
    const chunked = await model.predict('predictorActionsOnly', { n, actions, actionMask });
    expect(chunked.mean).toHaveLength(5 * n * 20 * C);
    const single = await LoadedModel.load(MODEL_DIR, { devices: ['cpu'], maxBatch: 64 });
    try {
      const whole = await single.predict('predictorActionsOnly', { n, actions, actionMask });
      for (let i = 0; i < whole.mean.length; i += 97) expect(chunked.mean[i]).toBeCloseTo(whole.mean[i], 4);
      // Rows differ (their speeds differ), so a mis-stitched output would show.
      expect(Math.abs(whole.mean[0] - whole.mean[9 * 20 * C])).toBeGreaterThan(1e-3);
    } finally {
      await single.release();
    }
    const embeddings = new Float32Array(n * S * 32);
    const embeddingMask = new Float32Array(n * S).fill(1);
    const withVideo = await model.predict('predictor', { n, embeddings, embeddingMask, actions, actionMask });
    expect(withVideo.logVar.every(Number.isFinite)).toBe(true);
    const ahead = await model.latent({ n, embeddings, embeddingMask, actions, actionMask });
    expect(ahead).toHaveLength(n * 32);
  });

  it('refuses a model directory that does not match the contract', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'surprisal-model-'));
    try {
      await cp(MODEL_DIR, dir, { recursive: true });
      const io = JSON.parse(await readFile(join(dir, 'model-io.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'model-io.json'), JSON.stringify({ ...io, historySteps: 30 }));
      await expect(LoadedModel.load(dir, { devices: ['cpu'] })).rejects.toThrow(ModelContractError);
      await expect(LoadedModel.load(dir, { devices: ['cpu'] })).rejects.toThrow(/historySteps is 30/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
