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

/** Rejects per produce request stay under this many value bytes: a broker refuses record batches over ~1 MB (message.max.bytes). */
const DLQ_REQUEST_BYTES = 512 * 1024;

/** deadLetter for many messages (a handler call's rejects) in as few produce requests as fit, in the order given. */
export async function deadLetterAll(bus: Bus, rejects: readonly { message: BusMessage; reason: DeadLetterReason }[], consumerGroup: string): Promise<void> {
  const rejectedAt = new Date().toISOString();
  let group: OutgoingMessage[] = [];
  let bytes = 0;
  for (const { message, reason } of rejects) {
    const record: DeadLetterRecord = {
      reason: reason.code,
      detail: reason.detail,
      ...(reason.pointer === undefined ? {} : { pointer: reason.pointer }),
      source: { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, timestamp: message.timestamp },
      consumerGroup,
      originalBase64: message.value.toString('base64'),
      rejectedAt,
    };
    const value = JSON.stringify(record);
    if (group.length > 0 && bytes + value.length > DLQ_REQUEST_BYTES) {
      await bus.publish(TOPICS.fleetDlq, group);
      group = [];
      bytes = 0;
    }
    group.push({ key: message.key, value, headers: { [DLQ_REASON_HEADER]: reason.code } });
    bytes += value.length;
  }
  if (group.length > 0) await bus.publish(TOPICS.fleetDlq, group);
}
