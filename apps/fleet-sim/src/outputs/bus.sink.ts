import { type Bus } from '@surprisal/bus';
import { CONTRACTS, type FleetActionsV1, type FleetClipsV1, TOPICS } from '@surprisal/contracts';
import { type BlobStore } from '@surprisal/storage';
import { assertValid } from './dir.sink';
import { type ClipMeta, type FleetSink, clipKey } from './sink';

/**
 * Behaves like a real fleet: clips go to object storage first (sha256 recorded), then their
 * fleet.clips.v1 message is published; action batches go to fleet.actions.v1 keyed by vehicle.
 * Works on Kafka or the in-process bus alike (`--to kafka`, and the engine's demo fleet).
 */
export class BusSink implements FleetSink {
  constructor(
    private readonly bus: Bus,
    private readonly store: BlobStore,
    private readonly topics: { actions: string; clips: string } = { actions: TOPICS.fleetActions, clips: TOPICS.fleetClips },
  ) {}

  async actions(batches: readonly FleetActionsV1[]): Promise<void> {
    if (batches.length === 0) return;
    for (const b of batches) assertValid(CONTRACTS.fleetActions.validate(b), 'fleet.actions.v1');
    await this.bus.publish(
      this.topics.actions,
      batches.map((b) => ({ key: b.vehicleId, value: JSON.stringify(b) })),
    );
  }

  async clip(meta: ClipMeta, body: Buffer): Promise<void> {
    const key = clipKey(meta);
    // The store hashes the body as it writes it and returns that sha256.
    const { sha256 } = await this.store.put(key, body, { contentType: 'video/mp4' });
    const message: FleetClipsV1 = { ...meta, uri: this.store.uri(key), sha256 };
    assertValid(CONTRACTS.fleetClips.validate(message), 'fleet.clips.v1');
    await this.bus.publish(this.topics.clips, [{ key: meta.vehicleId, value: JSON.stringify(message) }]);
  }

  driveDone(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
