import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { Limiter } from '@surprisal/platform';
import { primaryCamera } from '@surprisal/video';
import { MINER_SETTINGS, type MinerSettings } from '../miner.settings';
import { EdgeCaseThumbnailRepository, type ThumbnailSource } from '../repositories/edge-case-thumbnail.repository';
import { renderFrameStrip, stripFrameIndexes } from './frame-strip';

/** Edge cases waiting for a thumbnail beyond this are skipped (and say so): a backlog must not grow without bound. */
const MAX_BACKLOG = 1000;

export const thumbnailKey = (edgeCaseId: string): string => `thumbnails/${edgeCaseId}.jpg`;

/**
 * Renders each edge case's frame strip (4 frames spread over its span, tiled left to right) from the
 * clip of its vehicle's primary camera that holds its peak (else the one that overlaps it most), stores it as `thumbnails/<id>.jpg`
 * and records its URI in edge_cases.thumbnail_uri. It runs after the miner's transaction has committed,
 * a few at a time (MINER_THUMBNAIL_CONCURRENCY), off the scorer's path: a thumbnail that cannot be
 * made is a warning and a null thumbnail_uri, never a lost or late edge case. Edge cases without a
 * clip (scored from actions only) have none.
 */
@Injectable()
export class EdgeCaseThumbnailJob implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Thumbnails');
  private readonly renders: Limiter;
  private readonly running = new Set<Promise<void>>();
  /** Edge cases scheduled and not finished: one render per case at a time. */
  private readonly pending = new Set<string>();

  constructor(
    @Inject(MINER_SETTINGS) private readonly settings: MinerSettings,
    @Inject(EdgeCaseThumbnailRepository) private readonly repo: EdgeCaseThumbnailRepository,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {
    this.renders = new Limiter(Math.max(1, settings.thumbnailConcurrency));
  }

  /** Starts making thumbnails for those of these edge cases that have a clip and no thumbnail yet; returns at once. */
  schedule(edgeCaseIds: readonly string[]): void {
    if (this.settings.thumbnailConcurrency === 0) return;
    const ids: string[] = [];
    let skipped = 0;
    for (const id of edgeCaseIds) {
      if (this.pending.has(id)) continue;
      if (this.pending.size >= MAX_BACKLOG) skipped++;
      else {
        this.pending.add(id);
        ids.push(id);
      }
    }
    if (skipped > 0) this.logger.warn(`${skipped} edge case(s) get no thumbnail: ${MAX_BACKLOG} are already waiting for one`);
    if (ids.length === 0) return;
    const run = this.make(ids)
      .catch((err: unknown) => this.logger.warn(`No thumbnails for ${ids.length} edge case(s): ${(err as Error).message}`))
      .finally(() => {
        for (const id of ids) this.pending.delete(id);
        this.running.delete(run);
      });
    this.running.add(run);
  }

  /** Resolves when every thumbnail scheduled so far is stored or given up. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Lets renders in flight finish before the database and storage close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.idle();
  }

  private async make(ids: readonly string[]): Promise<void> {
    const byCase = new Map<string, ThumbnailSource[]>();
    for (const s of await this.repo.sources(ids)) byCase.set(s.edgeCaseId, [...(byCase.get(s.edgeCaseId) ?? []), s]);
    await Promise.all([...byCase.entries()].map(([id, clips]) => this.makeOne(id, clips)));
  }

  private async makeOne(edgeCaseId: string, clips: readonly ThumbnailSource[]): Promise<void> {
    const camera = primaryCamera(clips.map((c) => c.camera));
    const own = clips.filter((c) => c.camera === camera);
    const overlap = (c: ThumbnailSource) => Math.min(c.endT, c.clipEndT) - Math.max(c.startT, c.clipStartT);
    const clip = own.find((c) => c.clipStartT <= c.peakT && c.peakT < c.clipEndT) ?? [...own].sort((a, b) => overlap(b) - overlap(a))[0];
    if (!clip) return;
    try {
      const frames = stripFrameIndexes({ startT: clip.clipStartT, endT: clip.clipEndT, fps: clip.fps }, clip.startT, clip.endT);
      const jpeg = await this.renders.run(async () => renderFrameStrip(await this.store.getStream(this.store.keyOf(clip.uri)), frames));
      const key = thumbnailKey(edgeCaseId);
      await this.store.put(key, jpeg, { contentType: 'image/jpeg' });
      await this.repo.setThumbnail(edgeCaseId, this.store.uri(key));
    } catch (err) {
      this.logger.warn(`Edge case ${edgeCaseId}: no thumbnail from clip ${clip.uri} (${(err as Error).message})`);
    }
  }
}
