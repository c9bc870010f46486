/**
 * npm run eval:mining -- --seed N [--vehicles 10] [--minutes 5] [--warmup 2] [--video on|off] [--k 50] [--seen type,type]
 *
 * Runs a held-out simulated fleet (the seed given; the default model never saw the simulator's
 * scenario types in training) through the engine's scoring and mining code — the same window
 * slicing, onnxruntime inference, calibration, rule triggers and peak merging the scorer and miner
 * run, in process and without the database — and compares against the simulator's ground truth:
 * window-level AUROC and precision@k of edge cases for calibrated surprise, rule triggers and random
 * selection, and how many of the injected events any edge case overlaps. The last line is the JSON of the figures.
 *
 * Positives are the events of types the scoring model did not see in training. The committed default
 * model learned from driving with no scenarios (--scenarios none), so by default every type is one.
 * For a model trained on some types, name them with --seen: their events are left out of AUROC,
 * count as misses in precision@k, and are reported on their own line. A good model is not surprised
 * by them, so a low share in the top 5% is what that line should show.
 *
 * Diagnostics: EVAL_DIAGNOSTICS=1 prints other ways to combine the components; EVAL_DUMP=FILE writes every
 * window (components, z, total, labels, predicted vs actual) as JSON lines and the truth to FILE.truth.
 */
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { defaultModelDir, LoadedModel, parseDevices } from '@surprisal/inference';
import { COMPONENTS, findPeaks, SurpriseCalibrator, type CalibratedScore, type Component } from '@surprisal/surprise';
import { Rng } from '../apps/fleet-sim/src/core/rng';
import { MemorySink } from '../apps/fleet-sim/src/outputs/memory.sink';
import { parseScenarioPlan, SCENARIO_TYPES } from '../apps/fleet-sim/src/scenarios/registry';
import { type TruthRecord } from '../apps/fleet-sim/src/scenarios/scenario';
import { runFleet } from '../apps/fleet-sim/src/sim/fleet-runner';
import { ClipEmbeddingCache, embedClip, framesInRange } from '../apps/scorer/src/scoring/frame-embedder';
import { scoreSegments, segmentSpan, type RawWindow, type SegmentToScore } from '../apps/scorer/src/scoring/segment-scorer';

const SEGMENT_MS = 20_000;

function args(): { seed: number; vehicles: number; minutes: number; warmup: number; video: boolean; k: number; seen: string[] } {
  const a = process.argv.slice(2);
  const get = (name: string, fallback: string) => {
    const i = a.indexOf(`--${name}`);
    return i >= 0 && a[i + 1] !== undefined ? a[i + 1] : fallback;
  };
  const num = (name: string, fallback: number, zeroAllowed = false) => {
    const v = Number(get(name, String(fallback)));
    if (!Number.isFinite(v) || v < 0 || (v === 0 && !zeroAllowed)) throw new Error(`--${name}: expected a ${zeroAllowed ? 'non-negative' : 'positive'} number`);
    return v;
  };
  const seen = get('seen', '').split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = seen.filter((t) => !SCENARIO_TYPES.has(t as never));
  if (unknown.length) throw new Error(`--seen: unknown scenario type(s) ${unknown.join(', ')} (known: ${[...SCENARIO_TYPES.keys()].join(', ')})`);
  return { seed: num('seed', 1), vehicles: num('vehicles', 10), minutes: num('minutes', 5), warmup: num('warmup', 2, true), video: get('video', 'on') !== 'off', k: num('k', 50), seen };
}

/** AUROC by the rank-sum (ties count half). */
function auroc(scores: readonly number[], labels: readonly boolean[]): number {
  const idx = scores.map((s, i) => ({ s, y: labels[i] })).sort((a, b) => a.s - b.s);
  let rank = 1;
  let sumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && idx[j].s === idx[i].s) j++;
    const avg = (rank + rank + (j - i) - 1) / 2;
    for (let k = i; k < j; k++) if (idx[k].y) {
      sumPos += avg;
      pos++;
    }
    rank += j - i;
    i = j;
  }
  const neg = idx.length - pos;
  return pos === 0 || neg === 0 ? Number.NaN : (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

interface Scored {
  w: RawWindow;
  z: Record<string, number | undefined>;
  surprise: number;
  pValue: number;
  trigger: number;
  random: number;
  positive: boolean;
  /** Overlaps only events of types the model saw in training: neither positive nor negative. */
  familiar: boolean;
}

const overlaps = (truth: readonly TruthRecord[], driveId: string, a: number, b: number) => truth.some((t) => t.driveId === driveId && t.startT <= b && t.endT >= a);

/** Edge cases from one score: peaks above the threshold merged in time per drive, ranked by their peak. */
function precisionAtK(
  scored: readonly Scored[],
  key: 'surprise' | 'trigger' | 'random',
  threshold: number,
  k: number,
  truth: readonly TruthRecord[],
): { precision: number; cases: number; found: TruthRecord[] } {
  const byDrive = new Map<string, { startT: number; endT: number; total: number; pValue: number }[]>();
  for (const s of scored) {
    const list = byDrive.get(s.w.driveId) ?? [];
    list.push({ startT: s.w.startT, endT: s.w.endT, total: s[key], pValue: 0 });
    byDrive.set(s.w.driveId, list);
  }
  const cases: { driveId: string; startT: number; endT: number; score: number }[] = [];
  for (const [driveId, ws] of byDrive) {
    for (const p of findPeaks(ws, { maxPValue: 1, minTotal: threshold, mergeGapMs: 0 })) cases.push({ driveId, startT: p.startT, endT: p.endT, score: p.peak.total });
  }
  cases.sort((a, b) => b.score - a.score);
  const top = cases.slice(0, k);
  const hits = top.filter((c) => overlaps(truth, c.driveId, c.startT, c.endT)).length;
  // The events any edge case overlaps: what a reviewer gets to see at all (recall), beside precision.
  const found = truth.filter((t) => cases.some((c) => overlaps([t], c.driveId, c.startT, c.endT)));
  return { precision: top.length ? hits / top.length : Number.NaN, cases: cases.length, found };
}

/** A simulated fleet, its samples and clips in memory. */
async function simulate(o: ReturnType<typeof args>, seed: number, minutes: number, startMs: number, fleetId: string) {
  const sink = new MemorySink();
  const video = o.video ? { width: 96, height: 72 } : (false as const);
  const fleet = await runFleet({ seed, vehicles: o.vehicles, minutes, startMs, fleetId, plan: parseScenarioPlan({ scenarios: 'default' }), video, rate: 'max' }, sink);
  return { sink, truth: fleet.truth };
}

/**
 * Scores a fleet's segments in time order across the fleet, a time slice at a time, as the scorer sees
 * them, calibrating each batch as it goes; `onWindow` gets every window with its calibrated score.
 */
async function scoreFleet(
  model: LoadedModel,
  sink: MemorySink,
  startMs: number,
  minutes: number,
  calibrator: SurpriseCalibrator,
  onWindow: (w: RawWindow, cal: CalibratedScore) => void = () => undefined,
): Promise<void> {
  const cache = new ClipEmbeddingCache();
  const endMs = startMs + minutes * 60_000;
  for (let t = startMs; t < endMs; t += SEGMENT_MS) {
    const batch: SegmentToScore[] = [];
    const { fromT, toT } = segmentSpan(model.io, t, t + SEGMENT_MS);
    for (const [driveId, d] of sink.samplesByDrive()) {
      const samples = d.samples.filter((s) => s.t >= fromT && s.t < t + SEGMENT_MS);
      if (!samples.some((s) => s.t >= t)) continue;
      let frames;
      const clips = sink.clips.filter((c) => c.meta.driveId === driveId && c.meta.startT < toT && c.meta.endT > fromT);
      if (clips.length) {
        const parts = [];
        for (const c of clips) parts.push(await cache.get(`${driveId}/${c.meta.clipId}`, () => embedClip(model, { startT: c.meta.startT, fps: c.meta.fps, open: () => Promise.resolve(Readable.from(c.body)) })));
        frames = framesInRange(parts, fromT, toT);
      }
      batch.push({ segmentId: `${driveId}/${t}`, vehicleId: d.vehicleId, driveId, startT: t, endT: t + SEGMENT_MS, samples, frames });
    }
    const windows = await scoreSegments(model, batch);
    const cal = calibrator.calibrateBatch(windows.map((w) => w.components), windows.map((w) => ({ group: w.segmentId, t: w.startT })));
    windows.forEach((w, i) => onWindow(w, cal[i]));
  }
}

async function main(): Promise<void> {
  const o = args();
  const began = Date.now();
  const startMs = Math.floor(Date.UTC(2026, 0, 5, 9) / SEGMENT_MS) * SEGMENT_MS + o.seed * 3_600_000;
  const { sink, truth } = await simulate(o, o.seed, o.minutes, startMs, `eval${o.seed}`);
  // The scorer calibrates against the fleet's recent driving: an earlier stretch of another fleet (its own
  // seed, the same scenario plan) warms the calibration up, so the first minutes are not judged on a cold one.
  const warmStartMs = startMs - 24 * 3_600_000;
  const warm = o.warmup > 0 ? await simulate(o, o.seed + 100_000, o.warmup, warmStartMs, `warm${o.seed}`) : undefined;
  const simMs = Date.now() - began;
  const seen = new Set(o.seen);
  const novel = truth.filter((t) => !seen.has(t.scenario));
  const familiar = truth.filter((t) => seen.has(t.scenario));
  const classify = (w: RawWindow) => {
    const positive = overlaps(novel, w.driveId, w.startT, w.endT);
    return { positive, familiar: !positive && overlaps(familiar, w.driveId, w.startT, w.endT) };
  };
  const model = await LoadedModel.load(defaultModelDir(), { devices: parseDevices(process.env.SCORER_DEVICES), log: (m) => process.stderr.write(`${m}\n`) });

  const calibrator = new SurpriseCalibrator();
  if (warm) await scoreFleet(model, warm.sink, warmStartMs, o.warmup, calibrator);
  const scored: Scored[] = [];
  const rng = Rng.derive(o.seed, 'eval-mining/random-baseline');
  const rand = () => rng.next();
  await scoreFleet(model, sink, startMs, o.minutes, calibrator, (w, cal) => {
    const severity = w.triggers.reduce((s, h) => s + 1 + Math.min(h.value / 100, 0.5), 0);
    scored.push({ w, z: cal.z, surprise: cal.total, pValue: cal.pValue, trigger: severity, random: rand(), ...classify(w) });
  });
  await model.release();

  // AUROC ranks the windows that are clearly positive (a novel event) or negative (no event at all).
  const ranked = scored.filter((s) => !s.familiar);
  const labels = ranked.map((s) => s.positive);
  const k = o.k;
  const surprise = { auroc: auroc(ranked.map((s) => s.surprise), labels), ...precisionAtK(scored, 'surprise', 3, k, novel) };
  const triggers = { auroc: auroc(ranked.map((s) => s.trigger), labels), ...precisionAtK(scored, 'trigger', 1, k, novel) };
  // Random selection: as many random windows as surprise found cases (at least k), merged the same way.
  const share = Math.min(1, Math.max(k, surprise.cases) / Math.max(1, scored.length));
  const random = { auroc: auroc(ranked.map((s) => s.random), labels), ...precisionAtK(scored.map((s) => ({ ...s, random: s.random < share ? 1 + s.random : 0 })), 'random', 1, k, novel) };
  // Per scenario type: how many of its events have a window in the top 5% of surprise.
  const top5 = [...scored].sort((a, b) => b.surprise - a.surprise).slice(0, Math.round(scored.length * 0.05));
  const perType = new Map<string, { events: number; inTop5: number; seen: boolean }>();
  for (const t of truth) {
    const e = perType.get(t.scenario) ?? { events: 0, inTop5: 0, seen: seen.has(t.scenario) };
    e.events++;
    if (top5.some((s) => overlaps([t], s.w.driveId, s.w.startT, s.w.endT))) e.inTop5++;
    perType.set(t.scenario, e);
  }

  const positives = labels.filter(Boolean).length;
  // Which component carries the signal (diagnostics, before the figures).
  const comp = (c: Component) => fmtN(auroc(ranked.map((s) => s.w.components[c] ?? Number.NEGATIVE_INFINITY), labels));
  if (process.env.EVAL_DIAGNOSTICS) {
    const zs = (f: (z: Record<string, number | undefined>) => number) => fmtN(auroc(ranked.map((s) => f(s.z)), labels));
    const pos = (x: number | undefined) => Math.max(0, x ?? 0);
    console.log(`combination AUROC: max ${zs((z) => Math.max(...Object.values(z).map((v) => v ?? -1e9)))}, sum+ ${zs((z) => Object.values(z).reduce<number>((a, v) => a + pos(v), 0))}, nll-max ${zs((z) => Math.max(z.nllLateral ?? -1e9, z.nllLongitudinal ?? -1e9))}, nll+dis ${zs((z) => pos(z.nllLateral) + pos(z.nllLongitudinal) + pos(z.disagreement))}, nll+lat ${zs((z) => pos(z.nllLateral) + pos(z.nllLongitudinal) + pos(z.latent))}`);
    // Local baseline: the window's raw minus the median raw of the same drive's previous 30 windows.
    const byDrive = new Map<string, Scored[]>();
    for (const s of scored) byDrive.set(s.w.driveId, [...(byDrive.get(s.w.driveId) ?? []), s]);
    const local = new Map<Scored, number>();
    for (const list of byDrive.values()) {
      list.sort((a, b) => a.w.startT - b.w.startT);
      list.forEach((s, i) => {
        const prev = list.slice(Math.max(0, i - 30), i).map((x) => x.surprise).sort((a, b) => a - b);
        local.set(s, s.surprise - (prev.length ? prev[Math.floor(prev.length / 2)] : 0));
      });
    }
    console.log(`local-baseline AUROC: ${fmtN(auroc(ranked.map((s) => local.get(s)!), labels))}`);
  }
  if (process.env.EVAL_DUMP) {
    // One JSON line per window (components, z, labels, predicted vs actual): for offline analysis of the scoring.
    const types = (w: RawWindow) => truth.filter((t) => overlaps([t], w.driveId, w.startT, w.endT)).map((t) => t.scenario);
    writeFileSync(process.env.EVAL_DUMP, scored.map((s) => JSON.stringify({ driveId: s.w.driveId, t: s.w.startT, c: s.w.components, z: s.z, surprise: s.surprise, trigger: s.trigger, positive: s.positive, types: types(s.w), series: s.w.series, triggers: s.w.triggers.map((h) => h.trigger) })).join('\n'));
    writeFileSync(`${process.env.EVAL_DUMP}.truth`, truth.map((t) => JSON.stringify(t)).join('\n'));
  }
  console.log(`component AUROC: ${COMPONENTS.map((c) => `${c} ${comp(c)}`).join(', ')}`);
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : ' n/a');
  console.log(`eval:mining seed ${o.seed}: ${o.vehicles} vehicles × ${o.minutes} min${o.video ? ' with video' : ', actions only'}; ${truth.length} injected events (${[...perType].map(([n, e]) => `${n} ${e.events}`).join(', ')})`);
  console.log(`${scored.length} windows, ${positives} overlap an event of a type the model never saw${familiar.length ? `, ${scored.length - ranked.length} only seen types (left out of AUROC)` : ''}; simulation ${(simMs / 1000).toFixed(0)} s, scoring ${((Date.now() - began - simMs) / 1000).toFixed(0)} s`);
  console.log('selector     AUROC   precision@' + k + '   edge cases   events found');
  for (const [name, r] of [['surprise', surprise], ['triggers', triggers], ['random', random]] as const) {
    console.log(`${name.padEnd(12)} ${fmt(r.auroc)}   ${fmt(r.precision).padStart(10)}   ${String(r.cases).padStart(10)}   ${`${r.found.length}/${novel.length}`.padStart(12)}`);
  }
  const foundByType = [...new Set(novel.map((t) => t.scenario))].map((n) => `${n} ${surprise.found.filter((t) => t.scenario === n).length}/${novel.filter((t) => t.scenario === n).length}`);
  console.log(`events an edge case of surprise overlaps, by type: ${foundByType.join(', ')}`);
  const line = (wanted: boolean) => [...perType].filter(([, e]) => e.seen === wanted).map(([n, e]) => `${n} ${e.inTop5}/${e.events}`).join(', ') || 'none';
  console.log(`events with a window in the top 5% of surprise, by type the model never saw: ${line(false)}`);
  console.log(`… and by type the model saw in training (--seen; a good model is not surprised by them): ${line(true)}`);
  const out = (r: { auroc: number; precision: number; cases: number; found: TruthRecord[] }) => ({
    auroc: round(r.auroc),
    precisionAt50: k === 50 ? round(r.precision) : undefined,
    [`precisionAt${k}`]: round(r.precision),
    edgeCases: r.cases,
    eventsFound: r.found.length,
  });
  console.log(JSON.stringify({ seed: o.seed, windows: scored.length, positiveWindows: positives, events: truth.length, seen: o.seen, byType: Object.fromEntries(perType), surprise: out(surprise), triggers: out(triggers), random: out(random) }));
}

function fmtN(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : 'n/a';
}

function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
