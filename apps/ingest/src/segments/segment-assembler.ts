import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { BUS, type Bus } from '@surprisal/bus';
import { ACTION_SAMPLE_COLUMNS, encodeActionSamples } from '@surprisal/columnar';
import { CONTRACTS, TOPICS, type ActionSample, type EngineSegmentsV1, type SegmentClip } from '@surprisal/contracts';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.settings';
import { ingestMetrics } from '../metrics/ingest.metrics';
import { SegmentRepository, type DueSegment } from '../repositories/segment.repository';
import { Limiter } from '@surprisal/platform';

const DUE_PAGE = 200;

/** Object key of a segment version: a new version never overwrites what an earlier event announced. */
function segmentKey(vehicleId: string, driveId: string, index: number, version: number): string {
  return `segments/${vehicleId}/${driveId}/${index}-v${version}.parquet`;
}

/** The signals (beyond t) that at least one sample carries, in column order. */
function signalsOf(samples: readonly ActionSample[]): string[] {
  return ACTION_SAMPLE_COLUMNS.map((c) => c.name).filter((name) => name !== 't' && samples.some((s) => s[name] !== undefined));
}

/**
 * Turns dirty segments into Parquet objects and engine.segments.v1 events. Its state is the database
 * (open segments, their data revision, the drive's watermark and last update), so a crash loses
 * nothing: the periodic flush finds whatever was left open. Per drive, emissions run one at a time.
 *
 * Emission order: Parquet put → publish → record. A crash after publishing re-emits the same
 * version (at-least-once for the event); recording first could lose the event.
 */
@Injectable()
export class SegmentAssembler implements OnModuleDestroy {
  private readonly logger = new Logger('SegmentAssembler');
  /** The tail of each drive's emission chain. */
  private readonly chains = new Map<string, Promise<void>>();
  private pending = 0;
  private readonly drained = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;
  private readonly outbox: { event: EngineSegmentsV1; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private sending = false;
  /** Segments waiting in a chain, not yet started. */
  private readonly queued = new Set<string>();
  /**
   * At most segmentConcurrency emissions at once across drives: each holds a database connection and
   * some CPU, and the pool is shared with the handlers' writes, which must not queue behind a backlog.
   */
  private readonly limiter: Limiter;

  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(SegmentRepository) private readonly segments: SegmentRepository,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(BUS) private readonly bus: Bus,
  ) {
    this.limiter = new Limiter(settings.segmentConcurrency);
  }

  /** Starts the periodic flush of idle drives (and of anything a previous process left open). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flushDue(), this.settings.flushIntervalMs);
    this.timer.unref();
  }

  /** Emits the due segments of these drives in the background (drives that just received data). */
  schedule(driveIds: string[]): void {
    if (driveIds.length === 0 || this.stopped) return;
    this.track(
      this.segments.due(this.settings.segmentIdleMs, DUE_PAGE * 5, driveIds).then((due) => {
        for (const s of due) this.enqueue(s);
      }),
    );
  }

  /** Backpressure: resolves once fewer than maxPendingSegments emissions are queued. */
  async waitForCapacity(): Promise<void> {
    while (this.pending >= this.settings.maxPendingSegments) await new Promise<void>((r) => this.drained.add(r));
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.pending > 0) await new Promise<void>((r) => this.drained.add(r));
  }

  /** One pass over every due segment (idle drives, leftovers of a crash); resolves when they are emitted. */
  flushDue(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        const due = await this.segments.due(this.settings.segmentIdleMs, DUE_PAGE);
        for (const s of due) this.enqueue(s);
        await this.idle();
      } catch (err) {
        this.logger.warn(`Segment flush failed (retried next round): ${(err as Error).message}`);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  private track(work: Promise<void>): void {
    this.pending++;
    ingestMetrics.pendingSegments.set(this.pending);
    void work
      .catch((err: unknown) => this.logger.warn(`Segment emission failed (the periodic flush retries it): ${(err as Error).message}`))
      .finally(() => {
        this.pending--;
        ingestMetrics.pendingSegments.set(this.pending);
        for (const wake of [...this.drained]) {
          this.drained.delete(wake);
          wake();
        }
      });
  }

  private enqueue(segment: DueSegment): void {
    // Queued and not started yet: that emission will read the newest data anyway.
    if (this.queued.has(segment.id)) return;
    this.queued.add(segment.id);
    const previous = this.chains.get(segment.driveId) ?? Promise.resolve();
    // Re-read inside the chain: an earlier emission of the same segment may have completed it meanwhile.
    const next = previous.then(() =>
      this.limiter.run(() => {
        this.queued.delete(segment.id);
        return this.emitIfStillDue(segment);
      }),
    );
    const tail = next.catch(() => undefined);
    this.chains.set(segment.driveId, tail);
    void tail.then(() => {
      if (this.chains.get(segment.driveId) === tail) this.chains.delete(segment.driveId);
    });
    this.track(next);
  }

  private async emitIfStillDue(candidate: DueSegment): Promise<void> {
    const due = await this.segments.loadDue(candidate.id, this.settings.segmentIdleMs);
    if (due) await this.write(due.segment, due.samples, due.clips);
  }

  /**
   * Publishes segment events in groups: whatever queued while the previous send was in flight goes in
   * one produce request (one acknowledged round trip for many segments). Resolves once `event` is acknowledged.
   */
  private publishEvent(event: EngineSegmentsV1): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ event, resolve, reject });
      if (!this.sending) void this.sendOutbox();
    });
  }

  private async sendOutbox(): Promise<void> {
    this.sending = true;
    try {
      while (this.outbox.length > 0) {
        const group = this.outbox.splice(0, 500);
        try {
          await this.bus.publish(TOPICS.engineSegments, group.map(({ event }) => ({ key: event.vehicleId, value: JSON.stringify(event) })));
          for (const g of group) g.resolve();
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Writes one segment version and announces it. */
  private async write(segment: DueSegment, samples: ActionSample[], clips: SegmentClip[]): Promise<void> {
    if (samples.length === 0) return;
    const version = segment.uri === null ? segment.version : segment.version + 1;
    const body = await encodeActionSamples(samples);
    const key = segmentKey(segment.vehicleId, segment.driveId, segment.index, version);
    const { sha256 } = await this.store.put(key, body, { contentType: 'application/vnd.apache.parquet' });
    const event: EngineSegmentsV1 = {
      segmentId: segment.id,
      vehicleId: segment.vehicleId,
      driveId: segment.driveId,
      segmentIndex: segment.index,
      startT: segment.startT,
      endT: segment.endT,
      sampleCount: samples.length,
      signals: signalsOf(samples),
      uri: this.store.uri(key),
      sha256,
      version,
      clips,
    };
    const checked = CONTRACTS.engineSegments.validate(event);
    if (!checked.ok) throw new Error(`engine.segments.v1 event breaks its contract: ${JSON.stringify(checked.violations)}`);
    await this.publishEvent(event);
    await this.segments.recordEmitted(segment, { uri: event.uri, sha256: event.sha256, version, sampleCount: samples.length, signals: event.signals });
    ingestMetrics.segmentsEmitted.inc({ kind: version === 1 ? 'first' : 're-emitted' });
  }
}
