import { connectTestKafkaBus } from '@surprisal/testing';
import { describe, expect, it } from 'vitest';
import { KafkaBus } from '../kafka-bus';
import { describeBusContract } from './bus.contract';

describeBusContract('KafkaBus', () => connectTestKafkaBus());

describe('KafkaBus startup', () => {
  it('fails with an error naming the brokers when none is reachable', async () => {
    await expect(KafkaBus.connect({ brokers: ['127.0.0.1:1'], clientId: 'unreachable-test', retries: 1 })).rejects.toThrow(/Kafka is unreachable at 127\.0\.0\.1:1/);
  });
});
