import { createBus } from '@surprisal/bus';
import { loadConfig } from '@surprisal/config';
import { TOPIC_PARTITIONS, TOPICS } from '@surprisal/contracts';
import { createBlobStore } from '@surprisal/storage';
import { BusSink } from '../../../fleet-sim/src/outputs/bus.sink';
import { HttpSink } from '../../../fleet-sim/src/outputs/http.sink';
import { type FleetSink } from '../../../fleet-sim/src/outputs/sink';

/**
 * Where `sim` and `import` send a fleet that behaves like a real one: Kafka + object storage from the
 * environment's settings, or the engine's HTTP ingest routes with an ingest key.
 */
export async function openLiveSink(
  to: 'kafka' | 'http',
  opts: { url?: string; key?: string },
): Promise<{ sink: FleetSink; close: () => Promise<void> }> {
  if (to === 'http') {
    const key = opts.key ?? process.env.SURPRISAL_API_KEY;
    if (!key) throw new Error('--to http needs --key <ingest key> (or SURPRISAL_API_KEY)');
    if (!opts.url) throw new Error('--to http needs --url <engine URL>');
    return { sink: new HttpSink(opts.url, key), close: () => Promise.resolve() };
  }
  const config = loadConfig();
  if (config.bus.kind !== 'kafka') throw new Error('--to kafka needs KAFKA_BROKERS (and S3_* for clips; see README)');
  const bus = await createBus(config.bus);
  const store = createBlobStore(config);
  await store.init();
  await bus.ensureTopics([TOPICS.fleetActions, TOPICS.fleetClips].map((name) => ({ name, partitions: TOPIC_PARTITIONS[name] })));
  return { sink: new BusSink(bus, store), close: () => bus.close() };
}
