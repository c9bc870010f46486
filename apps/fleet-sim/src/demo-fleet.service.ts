import { join } from 'node:path';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BUS, type Bus } from '@surprisal/bus';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { sleep } from './core/sleep';
import { BusSink } from './outputs/bus.sink';
import { parseScenarioPlan } from './scenarios/registry';
import { runFleet } from './sim/fleet-runner';
import { appendTruth } from './sim/truth-writer';

export const DEMO_VEHICLES = 3;
const DEMO_DRIVE_MINUTES = 10;

/**
 * A small simulated fleet inside the engine (the `sim` role), so a newcomer sees data flowing:
 * three vehicles in real time with scenarios (a cut-in 12 s into the first drive, random ones after),
 * publishing to the engine's own bus and blob store exactly like real vehicles (clips at 160×120, one
 * encode per vehicle every 10 s). Drives of ten
 * minutes follow each other; the ground truth of each is appended to
 * `<SURPRISAL_DATA_DIR>/demo-fleet-truth.jsonl`, apart from the fleet data. Stops with the app.
 */
@Injectable()
export class DemoFleetService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DemoFleet');
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.demoFleet) {
      this.logger.log('Demo fleet is off (SURPRISAL_DEMO_FLEET=off)');
      return;
    }
    this.logger.log(
      `Demo fleet: ${DEMO_VEHICLES} simulated vehicles streaming to fleet.actions.v1 and fleet.clips.v1 in real time (ground truth in ${this.truthFile()}). Switch it off with SURPRISAL_DEMO_FLEET=off`,
    );
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private truthFile(): string {
    return join(this.config.dataDir, 'demo-fleet-truth.jsonl');
  }

  private async loop(): Promise<void> {
    const sink = new BusSink(this.bus, this.store);
    for (let round = 0; !this.abort.signal.aborted; round++) {
      const startMs = Date.now();
      try {
        const result = await runFleet(
          {
            seed: (startMs % 1_000_000) + round,
            vehicles: DEMO_VEHICLES,
            minutes: DEMO_DRIVE_MINUTES,
            startMs,
            fleetId: 'demo',
            plan: parseScenarioPlan({ scenarios: 'default' }),
            // A cut-in early in the first drive, so a newcomer's first edge cases appear within a minute
            // whatever the random scenarios do (a cold calibration needs an unmistakable event).
            forced: round === 0 ? [{ scenario: 'cut-in', atS: 12 }] : undefined,
            video: { width: 160, height: 120 },
            rate: 'realtime',
            signal: this.abort.signal,
          },
          sink,
        );
        await appendTruth(this.truthFile(), result.truth);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.logger.warn(`Demo fleet drive failed, retrying in 5 s: ${(err as Error).message}`);
        await sleep(5000, this.abort.signal);
      }
    }
  }
}
