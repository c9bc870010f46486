import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { BatchHandler, MessageBatch } from './bus';

/** Backoff between deliveries of a batch whose handler threw: doubles from `initialMs` up to `maxMs`. */
export interface RetryBackoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { initialMs: 200, maxMs: 10_000 };

export interface DeliveryContext {
  groupId: string;
  logger: Logger;
  backoff: RetryBackoff;
  /** Aborted when the subscription closes: stop retrying at once, commit nothing. */
  closing: AbortSignal;
  /** False once the partition may belong to another member (rebalance): its next owner re-reads. */
  stillOwned: () => boolean;
  /** Runs before each redelivery (Kafka: heartbeat, which also surfaces a pending rebalance). */
  beforeRetry?: () => Promise<void>;
}

/**
 * Hands `batch` to `handler` until it resolves, with backoff between attempts.
 * Returns true when the handler succeeded (the caller commits), false when it gave up because the
 * subscription is closing or the partition changed hands (the caller must not commit).
 */
export async function deliverUntilHandled(handler: BatchHandler, batch: MessageBatch, ctx: DeliveryContext): Promise<boolean> {
  const where = `${batch.topic}[${batch.partition}] offsets ${batch.messages[0]?.offset}..${batch.messages.at(-1)?.offset} (group ${ctx.groupId})`;
  const giveUp = (): boolean => ctx.closing.aborted || !ctx.stillOwned();
  const leave = (): false => {
    ctx.logger.warn(`Left ${where} uncommitted for the partition's next owner: subscription closing or partition reassigned`);
    return false;
  };
  for (let attempt = 1, waitMs = ctx.backoff.initialMs; ; attempt++, waitMs = Math.min(waitMs * 2, ctx.backoff.maxMs)) {
    try {
      await handler(batch);
      return true;
    } catch (err: unknown) {
      if (giveUp()) return leave();
      const reason = err instanceof Error ? err.message : String(err);
      ctx.logger.error(`Handler failed on ${where}, attempt ${attempt}: ${reason}; redelivering in ${waitMs} ms`, err instanceof Error ? err.stack : undefined);
      // An aborted wait ends early; `giveUp` then sees the abort.
      await delay(waitMs, undefined, { signal: ctx.closing }).catch(() => undefined);
      if (giveUp()) return leave();
      await ctx.beforeRetry?.();
    }
  }
}

/** The offset after `offset` (offsets are decimal strings: Kafka's exceed 2^53). */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
