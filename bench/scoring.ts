/**
 * bench:scoring — on the same simulated clips, in one run:
 *  - ffmpeg decode-only frames/s (to the encoder's 64×64 input, as the scorer decodes);
 *  - end-to-end scored frames/s: the scorer's path (decode, encode every frame, slice windows, run the
 *    predictors and the latent model, surprise components, triggers) over 20 s segments, with as many
 *    segments in flight as the scorer's batch loads at once; goal ≥ 0.8× decode;
 *  - onnxruntime-node batch throughput of the encoder beside Python onnxruntime on the same ONNX file,
 *    batch and thread count (Python from SURPRISAL_PYTHON, else the trainer's venv); goal ≥ 1.0×.
 * Sizes: BENCH_VEHICLES (4), BENCH_MINUTES (1), BENCH_FRAME (320x240), BENCH_BATCH (256), BENCH_CONCURRENCY (cores).
 * Needs no services. Last line: {"decodeFps":…,"scoredFps":…,"ratioToDecode":…,"ratioToPython":…}
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { defaultModelDir, LoadedModel, parseDevices, repoRoot } from '@surprisal/inference';
import { MemorySink } from '../apps/fleet-sim/src/outputs/memory.sink';
import { parseScenarioPlan } from '../apps/fleet-sim/src/scenarios/registry';
import { runFleet } from '../apps/fleet-sim/src/sim/fleet-runner';
import { embedClip, framesInRange } from '../apps/scorer/src/scoring/frame-embedder';
import { scoreSegments, segmentSpan } from '../apps/scorer/src/scoring/segment-scorer';
import { Limiter } from '@surprisal/platform';
import { decodeFrames } from '@surprisal/video';
import { log, printFigures } from './bench.util';

const VEHICLES = Number(process.env.BENCH_VEHICLES ?? 4);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 1);
const [FRAME_W, FRAME_H] = (process.env.BENCH_FRAME ?? '320x240').split('x').map(Number) as [number, number];
const BATCH = Number(process.env.BENCH_BATCH ?? 256);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? cpus().length);
const THREADS = cpus().length;
const SEGMENT_MS = 20_000;

function pythonBench(python: string, onnx: string): { rowsPerSec: number } | { error: string } {
  const code = `
import sys, time, numpy as np, onnxruntime as ort
o = ort.SessionOptions(); o.intra_op_num_threads = ${THREADS}; o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
s = ort.InferenceSession(sys.argv[1], o, providers=['CPUExecutionProvider'])
x = np.random.RandomState(0).rand(${BATCH}, 3, 64, 64).astype(np.float32)
for _ in range(3): s.run(None, {'frames': x})
n = 0; t = time.perf_counter()
while time.perf_counter() - t < 3.0: s.run(None, {'frames': x}); n += 1
print(n * ${BATCH} / (time.perf_counter() - t))
`;
  try {
    const out = execFileSync(python, ['-c', code, onnx], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { rowsPerSec: Number(out.trim().split('\n').pop()) };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] ?? 'failed' };
  }
}

async function main(): Promise<void> {
  const modelDir = defaultModelDir();
  const model = await LoadedModel.load(modelDir, { devices: parseDevices(process.env.SCORER_DEVICES ?? 'cpu'), maxBatch: BATCH, intraOpThreads: THREADS, log });

  log(`Simulating ${VEHICLES} vehicles × ${MINUTES} min with ${FRAME_W}×${FRAME_H} video…`);
  const sink = new MemorySink();
  const startMs = Math.floor(Date.UTC(2026, 0, 5, 9) / SEGMENT_MS) * SEGMENT_MS;
  await runFleet({ seed: 7, vehicles: VEHICLES, minutes: MINUTES, startMs, fleetId: 'bench', plan: parseScenarioPlan({ scenarios: 'default' }), video: { width: FRAME_W, height: FRAME_H }, rate: 'max' }, sink);
  const drives = sink.samplesByDrive();
  const { width, height } = model.io.frame;

  // 1. Decode only.
  let decoded = 0;
  let began = process.hrtime.bigint();
  const decodeLimit = new Limiter(CONCURRENCY);
  await Promise.all(
    sink.clips.map((c) =>
      decodeLimit.run(async () => {
        decoded += (await decodeFrames(Readable.from(c.body), width, height)).count;
      }),
    ),
  );
  const decodeFps = decoded / (Number(process.hrtime.bigint() - began) / 1e9);
  log(`decode only: ${decoded} frames of ${sink.clips.length} clips, ${decodeFps.toFixed(0)} frames/s (${CONCURRENCY} at a time)`);

  // 2. End to end, segment by segment as the scorer sees them (each clip decoded and encoded once).
  const segments: { driveId: string; vehicleId: string; t: number }[] = [];
  for (const [driveId, d] of drives) for (let t = startMs; t < startMs + MINUTES * 60_000; t += SEGMENT_MS) segments.push({ driveId, vehicleId: d.vehicleId, t });
  const embedded = new Map<string, ReturnType<typeof embedClip>>();
  let scoredFrames = 0;
  let windows = 0;
  let scoringNs = 0n;
  began = process.hrtime.bigint();
  // As the scorer does: every clip of the batch is decoded and encoded as soon as a decoder is free
  // (CONCURRENCY at a time), while windows of segments whose clips are ready are being scored.
  const decoders = new Limiter(CONCURRENCY);
  for (const c of sink.clips) {
    const key = `${c.meta.driveId}/${c.meta.clipId}`;
    const p = decoders.run(() => embedClip(model, { startT: c.meta.startT, fps: c.meta.fps, open: () => Promise.resolve(Readable.from(c.body)) }));
    embedded.set(key, p);
    void p.then((e) => (scoredFrames += e.t.length));
  }
  for (let i = 0; i < segments.length; i += CONCURRENCY) {
    const group = segments.slice(i, i + CONCURRENCY);
    const inputs = await Promise.all(group.map(async (g) => {
      const { fromT, toT } = segmentSpan(model.io, g.t, g.t + SEGMENT_MS);
      const clips = sink.clips.filter((c) => c.meta.driveId === g.driveId && c.meta.startT < toT && c.meta.endT > fromT);
      const parts = await Promise.all(clips.map((c) => embedded.get(`${c.meta.driveId}/${c.meta.clipId}`)!));
      const samples = drives.get(g.driveId)!.samples.filter((s) => s.t >= fromT && s.t < g.t + SEGMENT_MS);
      return { segmentId: `${g.driveId}/${g.t}`, vehicleId: g.vehicleId, driveId: g.driveId, startT: g.t, endT: g.t + SEGMENT_MS, samples, frames: framesInRange(parts, fromT, toT) };
    }));
    const s0 = process.hrtime.bigint();
    windows += (await scoreSegments(model, inputs)).length;
    scoringNs += process.hrtime.bigint() - s0;
  }
  await Promise.all(embedded.values());
  const scoredFps = scoredFrames / (Number(process.hrtime.bigint() - began) / 1e9);
  log(`end to end: ${scoredFrames} frames, ${windows} windows scored, ${scoredFps.toFixed(0)} frames/s (${(scoredFps / decodeFps).toFixed(2)}× decode; window scoring ${(Number(scoringNs) / 1e6).toFixed(0)} ms of it)`);

  // 3. onnxruntime-node vs Python onnxruntime, encoder, same batch and threads.
  // Alternating rounds, best of each: the machine may be shared, and neither side should get the quiet moment.
  const x = new Float32Array(BATCH * 3 * width * height).map(() => Math.random());
  for (let i = 0; i < 3; i++) await model.encode(x, BATCH);
  const python = process.env.SURPRISAL_PYTHON ?? [join(repoRoot(), '.venv/trainer/bin/python')].find((p) => existsSync(p)) ?? 'python3';
  let nodeRows = 0;
  let pyRows = Number.NaN;
  let py: ReturnType<typeof pythonBench> = { error: 'not run' };
  for (let round = 0; round < 2; round++) {
    let n = 0;
    began = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - began) / 1e9 < 3) {
      await model.encode(x, BATCH);
      n++;
    }
    nodeRows = Math.max(nodeRows, (n * BATCH) / (Number(process.hrtime.bigint() - began) / 1e9));
    py = pythonBench(python, join(modelDir, model.io.models.encoder.file));
    if ('rowsPerSec' in py) pyRows = Number.isNaN(pyRows) ? py.rowsPerSec : Math.max(pyRows, py.rowsPerSec);
  }
  log(`encoder batch ${BATCH}, ${THREADS} threads: onnxruntime-node ${nodeRows.toFixed(0)} rows/s; Python onnxruntime ${'error' in py ? `unavailable (${py.error})` : `${pyRows.toFixed(0)} rows/s`} (${python})`);
  await model.release();

  const r = (v: number, d = 2) => (Number.isFinite(v) ? Number(v.toFixed(d)) : null);
  printFigures({
    decodeFps: r(decodeFps, 0),
    scoredFps: r(scoredFps, 0),
    ratioToDecode: r(scoredFps / decodeFps),
    ratioToPython: r(nodeRows / pyRows),
    nodeRowsPerSec: r(nodeRows, 0),
    pythonRowsPerSec: r(pyRows, 0),
    provider: model.provider,
    frames: scoredFrames,
    windows,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
