/**
 * Generation throughput of the fleet simulator on this machine: simulated vehicle-seconds per wall
 * second, without and with video (rendering + H.264 encoding), into a sink that discards. Prints a
 * table on stderr and the figures as one JSON line on stdout.
 * Usage: npm run bench:sim -- [vehicles=10] [minutes=2]
 */
import { type FleetSink } from '../apps/fleet-sim/src/outputs/sink';
import { parseScenarioPlan } from '../apps/fleet-sim/src/scenarios/registry';
import { runFleet } from '../apps/fleet-sim/src/sim/fleet-runner';

const discard: FleetSink = {
  actions: () => Promise.resolve(),
  clip: () => Promise.resolve(),
  driveDone: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

async function main(): Promise<void> {
  const vehicles = Number(process.argv[2] ?? 10);
  const minutes = Number(process.argv[3] ?? 2);
  const figures: Record<string, number> = { vehicles, minutes };
  for (const video of [false, { width: 160, height: 120 }] as const) {
    const r = await runFleet({ seed: 1, vehicles, minutes, startMs: Date.UTC(2026, 0, 5), plan: parseScenarioPlan({}), video, rate: 'max' }, discard);
    const rate = r.vehicleSeconds / (r.wallMs / 1000);
    const name = video ? 'withVideo' : 'actionsOnly';
    process.stderr.write(`${name.padEnd(12)} ${r.vehicleSeconds} vehicle-s in ${(r.wallMs / 1000).toFixed(2)} s: ${rate.toFixed(1)} vehicle-s/s${video ? `, ${(r.frames / (r.wallMs / 1000)).toFixed(0)} frames/s, ${r.clips} clips` : ''}\n`);
    figures[`${name}VehicleSecondsPerSecond`] = Math.round(rate * 10) / 10;
    if (video) figures.framesPerSecond = Math.round(r.frames / (r.wallMs / 1000));
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

void main();
