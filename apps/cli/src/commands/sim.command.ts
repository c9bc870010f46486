import { Command, Option } from 'commander';
import { DirSink } from '../../../fleet-sim/src/outputs/dir.sink';
import { type FleetSink } from '../../../fleet-sim/src/outputs/sink';
import { parseScenarioPlan } from '../../../fleet-sim/src/scenarios/registry';
import { runFleet } from '../../../fleet-sim/src/sim/fleet-runner';
import { progressReporter } from '../../../fleet-sim/src/sim/progress';
import { assertTruthOutside, writeTruth } from '../../../fleet-sim/src/sim/truth-writer';
import { FRAME_FPS, SAMPLE_HZ } from '../../../fleet-sim/src/sim/vehicle-sim';
import { openLiveSink } from './live-sink';

interface SimOptions {
  to: 'dir' | 'kafka' | 'http';
  out?: string;
  url?: string;
  key?: string;
  seed: string;
  vehicles: string;
  minutes: string;
  rate: 'realtime' | 'max';
  truth?: string;
  scenarios?: string;
  holdout?: string;
  rare?: string;
  video: boolean;
  size: string;
  start?: string;
  fleet?: string;
}

/** A fixed default start for datasets, so the same seed gives byte-identical files. */
const DATASET_EPOCH = Date.UTC(2026, 0, 5, 8, 0, 0);

function positive(name: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${name}: must be a positive ${integer ? 'integer' : 'number'} (got "${raw}")`);
  return n;
}

/** `surprisal sim`: a simulated fleet with injected scenarios and their ground truth, to a dataset, Kafka or HTTP. */
export function simCommand(): Command {
  return new Command('sim')
    .description('Simulate a fleet (20 Hz actions, 10 fps front camera) with injected scenarios; the ground truth goes to --truth, never into the data.')
    .addOption(new Option('--to <output>', 'where the fleet data goes').choices(['dir', 'kafka', 'http']).default('dir'))
    .option('--out <dir>', '--to dir: the dataset folder (manifest.json, actions/*.parquet, clips/*.mp4)')
    .option('--url <url>', '--to http: the engine base URL', 'http://127.0.0.1:3000')
    .option('--key <key>', '--to http: an API key with the ingest role (or SURPRISAL_API_KEY)')
    .option('--seed <n>', 'seed: the same seed gives byte-identical output', '1')
    .option('--vehicles <n>', 'vehicles in the fleet', '3')
    .option('--minutes <m>', 'minutes each vehicle drives', '1')
    .addOption(new Option('--rate <rate>', 'realtime paces to wall time; max runs flat out').choices(['realtime', 'max']).default('max'))
    .option('--truth <file>', 'ground-truth JSON lines (scenario, vehicleId, driveId, startT, endT, seed, params); outside --out')
    .option('--scenarios <spec>', 'none | default | type=rate,… (per vehicle-minute; "none,cut-in=0.5" keeps only cut-ins)')
    .option('--holdout <types>', 'scenario types left out of this run entirely (type,…)')
    .option('--rare <types>', 'scenario types made rare (a tenth of their rate unless given)')
    .option('--no-video', 'actions only: no rendering, no clips')
    .option('--size <WxH>', 'camera frame size', '160x120')
    .option('--start <iso|now>', 'time of the first sample (default: a fixed date for --to dir; otherwise now, or minutes ago with --rate max so the drives end now)')
    .option('--fleet <id>', 'vehicle id prefix (default sim<seed>)')
    .action(async (opts: SimOptions) => {
      if (!/^\d{1,9}$/.test(opts.seed)) throw new Error(`--seed: must be a whole number below 10^9 (got "${opts.seed}")`);
      const seed = Number(opts.seed);
      const vehicles = positive('--vehicles', opts.vehicles, true);
      const minutes = positive('--minutes', opts.minutes, false);
      const size = /^(\d+)x(\d+)$/.exec(opts.size);
      if (!size || Number(size[1]) % 2 || Number(size[2]) % 2 || Number(size[1]) < 32 || Number(size[2]) < 24) throw new Error(`--size: expected even WxH of at least 32x24 (got "${opts.size}")`);
      const plan = parseScenarioPlan({ scenarios: opts.scenarios, holdout: opts.holdout, rare: opts.rare });
      // Streaming flat out, the drives end now (the engine rejects samples from the future); in real time they start now.
      const streamStart = opts.rate === 'max' ? Date.now() - Math.ceil(minutes * 60_000) : Date.now();
      const startMs = opts.start === undefined ? (opts.to === 'dir' ? DATASET_EPOCH : streamStart) : opts.start === 'now' ? Date.now() : Date.parse(opts.start);
      if (!Number.isFinite(startMs)) throw new Error(`--start: not a date (got "${opts.start}")`);
      if (opts.to === 'dir' && !opts.out) throw new Error('--to dir needs --out <dir>');
      if (opts.truth && opts.out) assertTruthOutside(opts.truth, opts.out);

      let sink: FleetSink;
      let close = async () => {};
      if (opts.to === 'dir') {
        sink = new DirSink(opts.out!, { seed, vehicles, minutes, startT: startMs, sampleHz: SAMPLE_HZ, camera: opts.video ? { name: 'front', width: Number(size[1]), height: Number(size[2]), fps: FRAME_FPS } : null });
      } else {
        ({ sink, close } = await openLiveSink(opts.to, opts));
      }
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      const progress = progressReporter('vehicle-s');
      try {
        const result = await runFleet(
          {
            seed,
            vehicles,
            minutes,
            startMs,
            plan,
            fleetId: opts.fleet,
            video: opts.video ? { width: Number(size[1]), height: Number(size[2]) } : false,
            rate: opts.rate,
            signal: abort.signal,
            onProgress: progress.update,
          },
          sink,
        );
        progress.stop();
        await sink.close();
        if (opts.truth) await writeTruth(opts.truth, result.truth);
        const wallS = result.wallMs / 1000;
        process.stderr.write(
          `Simulated ${result.vehicleSeconds.toFixed(0)} vehicle-seconds (${result.drives.length} drives, ${result.frames} frames, ${result.clips} clips, ${result.truth.length} scenarios) in ${wallS.toFixed(1)} s` +
            `${opts.to === 'dir' ? ` to ${opts.out}` : ` to ${opts.to}`}${opts.truth ? `; ground truth in ${opts.truth}` : ''}\n`,
        );
        process.stdout.write(
          `${JSON.stringify({ vehicleSeconds: result.vehicleSeconds, wallSeconds: wallS, vehicleSecondsPerWallSecond: result.vehicleSeconds / Math.max(wallS, 1e-3), frames: result.frames, clips: result.clips, scenarios: result.truth.length })}\n`,
        );
      } finally {
        progress.stop();
        process.off('SIGINT', onSignal);
        await close();
      }
    });
}
