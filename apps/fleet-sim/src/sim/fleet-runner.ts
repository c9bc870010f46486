import { type ActionSample, type FleetActionsV1 } from '@surprisal/contracts';
import { sleep } from '../core/sleep';
import { type ForcedScenario } from '../scenarios/injector';
import { type ScenarioPlan } from '../scenarios/registry';
import { type TruthRecord } from '../scenarios/scenario';
import { Renderer } from '../render/renderer';
import { encodeMp4 } from '../render/video-encoder';
import { type ClipMeta, type FleetSink } from '../outputs/sink';
import { type Conditions } from '../world/conditions';
import { FRAME_FPS, SAMPLE_HZ, VehicleSim } from './vehicle-sim';

export interface FleetRunOptions {
  seed: number;
  vehicles: number;
  /** Length of each vehicle's drive. */
  minutes: number;
  /** Epoch ms of the first sample. */
  startMs: number;
  plan: ScenarioPlan;
  /** Vehicle ids are `<fleetId>-v001`…; default `sim<seed>`. */
  fleetId?: string;
  /** Frame size, or false for actions only (no rendering, no clips). */
  video: { width: number; height: number } | false;
  clipSeconds?: number;
  /** realtime: one simulated second per wall second; max: as fast as possible. */
  rate: 'realtime' | 'max';
  forced?: ForcedScenario[];
  conditions?: Partial<Conditions>;
  signal?: AbortSignal;
  onProgress?: (simulatedVehicleSeconds: number, totalVehicleSeconds: number) => void;
}

export interface FleetRunResult {
  truth: TruthRecord[];
  drives: { vehicleId: string; driveId: string; startT: number; endT: number }[];
  vehicleSeconds: number;
  frames: number;
  clips: number;
  wallMs: number;
}

const MAX_PENDING_ENCODES = 2;

export const vehicleIdOf = (fleetId: string, i: number): string => `${fleetId}-v${String(i + 1).padStart(3, '0')}`;
export const driveIdOf = (vehicleId: string, startMs: number): string => `${vehicleId}-${startMs.toString(36)}`;

/**
 * Simulates a fleet second by second (every vehicle advances one second, then that second's batches
 * are sent together), renders frames at 10 fps, encodes a clip every `clipSeconds` (ffmpeg runs
 * beside the simulation, a couple at a time), and collects the ground truth. Deterministic for a
 * seed: ids, timestamps, samples and frames depend on nothing else.
 */
export async function runFleet(opts: FleetRunOptions, sink: FleetSink): Promise<FleetRunResult> {
  const began = Date.now();
  const fleetId = opts.fleetId ?? `sim${opts.seed}`;
  const durationS = Math.round(opts.minutes * 60);
  const clipFrames = (opts.clipSeconds ?? 10) * FRAME_FPS;
  const vehicles = Array.from({ length: opts.vehicles }, (_, i) => {
    const vehicleId = vehicleIdOf(fleetId, i);
    const sim = new VehicleSim({
      seed: opts.seed,
      vehicleId,
      driveId: driveIdOf(vehicleId, opts.startMs),
      startMs: opts.startMs,
      durationS,
      plan: opts.plan,
      forced: opts.forced,
      conditions: opts.conditions,
    });
    const renderer = opts.video ? new Renderer(opts.video.width, opts.video.height, opts.seed + i) : undefined;
    return { sim, renderer, seq: 0, frames: [] as Buffer[], clipIndex: 0, clipStart: opts.startMs };
  });
  const pending: Promise<{ meta: ClipMeta; body: Buffer }>[] = [];
  let frames = 0;
  let clips = 0;
  const flushClips = async (keep: number) => {
    while (pending.length > keep) {
      const { meta, body } = await pending.shift()!;
      await sink.clip(meta, body);
      clips++;
    }
  };
  const cutClip = (v: (typeof vehicles)[number]) => {
    if (v.frames.length === 0 || !opts.video) return;
    const { width, height } = opts.video;
    const meta: ClipMeta = {
      vehicleId: v.sim.spec.vehicleId,
      driveId: v.sim.spec.driveId,
      clipId: `${v.sim.spec.driveId}-c${String(v.clipIndex).padStart(4, '0')}`,
      camera: 'front',
      startT: v.clipStart,
      endT: v.clipStart + (v.frames.length * 1000) / FRAME_FPS,
      fps: FRAME_FPS,
    };
    const batch = v.frames;
    v.frames = [];
    v.clipIndex++;
    pending.push(encodeMp4(batch, width, height, FRAME_FPS).then((body) => ({ meta, body })));
  };

  for (let second = 0; second < durationS; second++) {
    if (opts.signal?.aborted) break;
    const batches: FleetActionsV1[] = [];
    for (const v of vehicles) {
      const samples: ActionSample[] = [];
      for (let k = 0; k < SAMPLE_HZ; k++) {
        const sample = v.sim.beginTick();
        if (sample) samples.push(sample);
        if (v.renderer && v.sim.hasFrame) {
          if (v.frames.length === 0) v.clipStart = v.sim.epochMs;
          v.frames.push(Buffer.from(v.renderer.render({ road: v.sim.road, agents: v.sim.traffic.agents, ego: v.sim.state, t: v.sim.t, conditions: v.sim.conditions })));
          frames++;
          if (v.frames.length >= clipFrames) cutClip(v);
        }
        v.sim.endTick();
      }
      if (samples.length > 0) batches.push({ vehicleId: v.sim.spec.vehicleId, driveId: v.sim.spec.driveId, seq: v.seq++, samples });
    }
    // In real time a second's batch leaves once that second has passed, like a vehicle's logger: never data from the future.
    if (opts.rate === 'realtime') await sleep(began + (second + 1) * 1000 - Date.now(), opts.signal);
    if (opts.signal?.aborted) break;
    await sink.actions(batches);
    await flushClips(MAX_PENDING_ENCODES);
    opts.onProgress?.((second + 1) * vehicles.length, durationS * vehicles.length);
  }
  for (const v of vehicles) cutClip(v);
  await flushClips(0);
  const drives = [];
  for (const v of vehicles) {
    const info = {
      vehicleId: v.sim.spec.vehicleId,
      driveId: v.sim.spec.driveId,
      startT: opts.startMs,
      endT: v.sim.epochMs,
      conditions: { lighting: v.sim.conditions.lighting, weather: v.sim.conditions.weather },
    };
    await sink.driveDone(info);
    drives.push(info);
  }
  const truth = vehicles.flatMap((v) => v.sim.truth).sort((a, b) => a.startT - b.startT || (a.vehicleId < b.vehicleId ? -1 : 1));
  return { truth, drives, vehicleSeconds: vehicles.reduce((n, v) => n + v.sim.t, 0), frames, clips, wallMs: Date.now() - began };
}
