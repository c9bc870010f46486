import { TOPICS, type FleetDlqV1 } from '@surprisal/contracts';
import type { Bus, BusMessage, OutgoingMessage } from './bus';

/** Why a message was rejected: a machine-readable code (a context's exception code), a human detail, and where in the value. */
export interface DeadLetterReason {
  code: string;
  detail: string;
  /** JSON Pointer into the original value, when the problem is one field. */
  pointer?: string;
}

/** The value of a fleet.dlq.v1 record, typed from schemas/fleet.dlq.v1.schema.json. */
export type DeadLetterRecord = FleetDlqV1;

export const DLQ_REASON_HEADER = 'x-dlq-reason';

/**
 * The one way to dead-letter: records `message` on fleet.dlq.v1 under its original key (so a vehicle's
 * rejects stay in order) with enough to find, explain and replay it. The caller then resolves its
 * handler so the partition moves on.
 */
export async function deadLetter(bus: Bus, message: BusMessage, reason: DeadLetterReason, consumerGroup: string): Promise<void> {
  await deadLetterAll(bus, [{ message, reason }], consumerGroup);
}

/** deadLetter for many messages (a handler call's rejects) in one publish, in the order given (the bus splits it into produce requests that fit). */
export async function deadLetterAll(bus: Bus, rejects: readonly { message: BusMessage; reason: DeadLetterReason }[], consumerGroup: string): Promise<void> {
  const rejectedAt = new Date().toISOString();
  const records: OutgoingMessage[] = rejects.map(({ message, reason }) => {
    const record: DeadLetterRecord = {
      reason: reason.code,
      detail: reason.detail,
      ...(reason.pointer === undefined ? {} : { pointer: reason.pointer }),
      source: { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, timestamp: message.timestamp },
      consumerGroup,
      originalBase64: message.value.toString('base64'),
      rejectedAt,
    };
    return { key: message.key, value: JSON.stringify(record), headers: { [DLQ_REASON_HEADER]: reason.code } };
  });
  if (records.length > 0) await bus.publish(TOPICS.fleetDlq, records);
}
