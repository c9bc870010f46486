import { TOPICS } from '@surprisal/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARTITIONS, MemoryBus } from '../memory-bus';
import { describeBusContract } from './bus.contract';

describeBusContract('MemoryBus', () => Promise.resolve(new MemoryBus({ backoff: { initialMs: 20, maxMs: 200 } })));

describe('MemoryBus topics', () => {
  it('creates a topic on first publish with its TOPIC_PARTITIONS count, else the default', async () => {
    const bus = new MemoryBus();
    await bus.publish(TOPICS.fleetActions, Array.from({ length: 200 }, (_, i) => ({ key: `veh-${i}`, value: 'x' })));
    await bus.publish('some.other.topic', Array.from({ length: 30 }, () => ({ key: null, value: 'x' })));
    expect(bus.partitionsOf(TOPICS.fleetActions)).toHaveLength(12);
    expect(bus.partitionsOf('some.other.topic').map((log) => log.length)).toEqual(Array.from({ length: DEFAULT_PARTITIONS }, () => 30 / DEFAULT_PARTITIONS));
  });
});
