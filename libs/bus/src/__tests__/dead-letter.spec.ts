import { TOPICS } from '@surprisal/contracts';
import { describe, expect, it, vi } from 'vitest';
import { type BusMessage } from '../bus';
import { deadLetterAll, type DeadLetterRecord } from '../dead-letter';
import { MemoryBus } from '../memory-bus';

const message = (offset: number, bytes: number): BusMessage => ({
  topic: 'fleet.actions.v1',
  partition: 0,
  offset: String(offset),
  key: `veh-${offset % 3}`,
  value: Buffer.alloc(bytes, 0x61),
  headers: {},
  timestamp: 1_764_400_000_000,
});

describe('deadLetterAll', () => {
  it('sends a handler call’s rejects in one produce request when they are small', async () => {
    const bus = new MemoryBus();
    const publish = vi.spyOn(bus, 'publish');
    await deadLetterAll(bus, [0, 1, 2, 3, 4].map((i) => ({ message: message(i, 100), reason: { code: 'invalid_json', detail: `bad ${i}` } })), 'g');
    expect(publish).toHaveBeenCalledTimes(1);
    const [topic, sent] = publish.mock.calls[0];
    expect(topic).toBe(TOPICS.fleetDlq);
    expect(sent.map((m) => (JSON.parse(String(m.value)) as DeadLetterRecord).detail)).toEqual(['bad 0', 'bad 1', 'bad 2', 'bad 3', 'bad 4']);
  });

  it('hands large rejects to the bus in one call, in order (the bus fits them into produce requests: see the Bus contract)', async () => {
    const bus = new MemoryBus();
    const publish = vi.spyOn(bus, 'publish');
    await deadLetterAll(bus, [0, 1, 2, 3, 4, 5].map((i) => ({ message: message(i, 200_000), reason: { code: 'schema_violation', detail: String(i) } })), 'g');
    expect(publish).toHaveBeenCalledTimes(1);
    const details = publish.mock.calls.flatMap(([, sent]) => sent.map((m) => (JSON.parse(String(m.value)) as DeadLetterRecord).detail));
    expect(details).toEqual(['0', '1', '2', '3', '4', '5']);
    const calls = publish.mock.calls.length;
    await deadLetterAll(bus, [], 'g');
    expect(publish.mock.calls.length).toBe(calls);
  });
});
