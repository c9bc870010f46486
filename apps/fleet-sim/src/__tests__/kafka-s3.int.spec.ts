import { createHash } from 'node:crypto';
import { type Bus } from '@surprisal/bus';
import { CONTRACTS, type FleetActionsV1, type FleetClipsV1 } from '@surprisal/contracts';
import { S3BlobStore } from '@surprisal/storage';
import { connectTestKafkaBus, s3TestConfig, uniqueSuffix } from '@surprisal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BusSink } from '../outputs/bus.sink';
import { parseScenarioPlan } from '../scenarios/registry';
import { runFleet } from '../sim/fleet-runner';

/** The BusSink, remembering what it published: the simulator's default faults may drop a whole second (no batch). */
class RecordingBusSink extends BusSink {
  readonly published: FleetActionsV1[] = [];

  override async actions(batches: readonly FleetActionsV1[]): Promise<void> {
    await super.actions(batches);
    this.published.push(...batches);
  }
}

describe('--to kafka: a small fleet through real Kafka and S3', () => {
  const suffix = uniqueSuffix();
  const topics = { actions: `test.fleet.actions.${suffix}`, clips: `test.fleet.clips.${suffix}` };
  let bus: Bus | undefined;
  afterAll(async () => {
    await bus?.close();
  });

  it('uploads clips before announcing them, publishes valid batches keyed by vehicle, and reads back complete', async () => {
    bus = await connectTestKafkaBus();
    const store = new S3BlobStore(s3TestConfig());
    await store.init();
    await bus.ensureTopics([
      { name: topics.actions, partitions: 3 },
      { name: topics.clips, partitions: 3 },
    ]);
    const fleetId = `it${suffix}`;
    const sink = new RecordingBusSink(bus, store, topics);
    const result = await runFleet(
      { seed: 5, vehicles: 2, minutes: 20 / 60, startMs: Date.now(), plan: parseScenarioPlan({ scenarios: 'cut-in=3' }), fleetId, video: { width: 96, height: 72 }, rate: 'max' },
      sink,
    );
    expect(result.clips).toBe(4);
    // One batch a second per vehicle, less a second that a dropped-samples fault emptied.
    const expected = sink.published.length;
    expect(expected).toBeGreaterThanOrEqual(36);

    const actions: FleetActionsV1[] = [];
    const clips: FleetClipsV1[] = [];
    const keys = new Set<string | null>();
    const sub = await bus.subscribe({
      groupId: `test-readback-${suffix}`,
      topics: [topics.actions, topics.clips],
      handler: (batch) => {
        for (const m of batch.messages) {
          keys.add(m.key);
          const body = JSON.parse(m.value.toString()) as unknown;
          if (m.topic === topics.actions) actions.push(body as FleetActionsV1);
          else clips.push(body as FleetClipsV1);
        }
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + 30_000;
    while ((actions.length < expected || clips.length < 4) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await sub.close();

    expect(actions).toHaveLength(expected);
    expect(clips).toHaveLength(4);
    expect(keys).toEqual(new Set([`${fleetId}-v001`, `${fleetId}-v002`]));
    for (const a of actions) {
      expect(CONTRACTS.fleetActions.validate(a).ok).toBe(true);
      // As published, through JSON (which writes -0 as 0).
      expect(a).toEqual(JSON.parse(JSON.stringify(sink.published.find((p) => p.vehicleId === a.vehicleId && p.seq === a.seq))));
    }
    for (const vehicle of keys) {
      // Per vehicle in order (one key, one partition), exactly what was published.
      const seqs = actions.filter((a) => a.vehicleId === vehicle).map((a) => a.seq);
      expect(seqs).toEqual(sink.published.filter((a) => a.vehicleId === vehicle).map((a) => a.seq));
      expect(seqs).toEqual(seqs.map((_, i) => i));
    }
    for (const c of clips) {
      expect(CONTRACTS.fleetClips.validate(c).ok).toBe(true);
      expect(c.uri).toMatch(new RegExp(`^s3://${s3TestConfig().bucket}/clips/${c.vehicleId}/${c.driveId}/${c.clipId}\\.mp4$`));
      const body = await store.get(store.keyOf(c.uri));
      expect(createHash('sha256').update(body).digest('hex')).toBe(c.sha256);
      expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');
      await store.delete(store.keyOf(c.uri));
    }
  });
});
