import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ACTION_SAMPLE_COLUMNS, encodeActionSamples } from '@surprisal/columnar';
import { type ActionSample, CONTRACTS, type FleetActionsV1 } from '@surprisal/contracts';
import { sha256Hex } from '@surprisal/storage';
import { type ClipMeta, type DriveInfo, type FleetSink, clipKey } from './sink';

export const DATASET_FORMAT = 'surprisal-fleet-dataset';
export const GENERATOR_VERSION = 'surprisal-fleet-sim/1';

interface DriveEntry extends DriveInfo {
  samples: number;
  batches: number;
  actions: string;
}

interface ClipEntry extends ClipMeta {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * A dataset on disk: `actions/<vehicleId>/<driveId>.parquet` (columns of schemas/action-samples.parquet.json),
 * `clips/<vehicleId>/<driveId>/<clipId>.mp4` and `manifest.json` describing both. Nothing about
 * injected scenarios is ever written here: the ground truth goes to its own file.
 */
export class DirSink implements FleetSink {
  private readonly samples = new Map<string, { samples: ActionSample[]; batches: number }>();
  private readonly drives: DriveEntry[] = [];
  private readonly clips: ClipEntry[] = [];

  constructor(
    readonly dir: string,
    private readonly header: Record<string, unknown>,
  ) {}

  actions(batches: readonly FleetActionsV1[]): Promise<void> {
    for (const b of batches) {
      assertValid(CONTRACTS.fleetActions.validate(b), 'fleet.actions.v1');
      const key = `${b.vehicleId}/${b.driveId}`;
      const entry = this.samples.get(key) ?? { samples: [], batches: 0 };
      entry.samples.push(...b.samples);
      entry.batches++;
      this.samples.set(key, entry);
    }
    return Promise.resolve();
  }

  async clip(meta: ClipMeta, body: Buffer): Promise<void> {
    const path = clipKey(meta);
    await mkdir(dirname(join(this.dir, path)), { recursive: true });
    await writeFile(join(this.dir, path), body);
    this.clips.push({ ...meta, path, sha256: sha256Hex(body), bytes: body.length });
  }

  async driveDone(info: DriveInfo): Promise<void> {
    const key = `${info.vehicleId}/${info.driveId}`;
    const entry = this.samples.get(key) ?? { samples: [], batches: 0 };
    const path = `actions/${key}.parquet`;
    await mkdir(dirname(join(this.dir, path)), { recursive: true });
    await writeFile(join(this.dir, path), await encodeActionSamples(entry.samples));
    this.samples.delete(key);
    this.drives.push({ ...info, samples: entry.samples.length, batches: entry.batches, actions: path });
  }

  async close(): Promise<void> {
    const byKey = <T extends { vehicleId: string; driveId: string }>(a: T, b: T) => (a.vehicleId + a.driveId < b.vehicleId + b.driveId ? -1 : a.vehicleId + a.driveId > b.vehicleId + b.driveId ? 1 : 0);
    const manifest = {
      format: DATASET_FORMAT,
      generator: GENERATOR_VERSION,
      ...this.header,
      signals: ACTION_SAMPLE_COLUMNS,
      drives: [...this.drives].sort(byKey),
      clips: [...this.clips].sort((a, b) => byKey(a, b) || a.startT - b.startT),
    };
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

export function assertValid(v: { ok: true } | { ok: false; violations: { pointer: string; message: string }[] }, what: string): void {
  if (!v.ok) throw new Error(`Invalid ${what}: ${v.violations.map((x) => `${x.pointer} ${x.message}`).join('; ')}`);
}
