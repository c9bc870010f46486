import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type FleetClipsV1 } from '@surprisal/contracts';
import { BLOB_STORE, HashingReader, StorageErrorCode, StorageException, type BlobStore } from '@surprisal/storage';
import { probeVideo, withLocalFile, type VideoProbe } from '@surprisal/video';
import { IngestErrorCode, IngestException } from '../ingest.exception';
import { ingestMetrics } from '../metrics/ingest.metrics';
import { ClipRepository } from '../repositories/clip.repository';
import { SegmentRepository } from '../repositories/segment.repository';
import { SegmentAssembler } from '../segments/segment-assembler';

export type ClipOutcome = { status: 'ready'; probe?: VideoProbe } | { status: 'failed'; error: IngestException };

/**
 * Checks a clip named by fleet.clips.v1: the object exists, its bytes hash to the announced sha256,
 * ffprobe can read it. A ready clip is linked to the segments it overlaps (they are emitted again
 * with it); a failed one is recorded with its reason (the caller dead-letters it). The drive's
 * actions are ingested either way. Storage or database outages throw (the message is redelivered).
 */
@Injectable()
export class RegisterClipUseCase {
  private readonly logger = new Logger('RegisterClip');

  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(ClipRepository) private readonly clips: ClipRepository,
    @Inject(SegmentRepository) private readonly segments: SegmentRepository,
    @Inject(SegmentAssembler) private readonly assembler: SegmentAssembler,
  ) {}

  async execute(clip: FleetClipsV1): Promise<ClipOutcome> {
    const state = await this.clips.register(clip);
    if (state.status === 'ready') return { status: 'ready' };
    if (state.status === 'failed') {
      return { status: 'failed', error: new IngestException(state.reason as IngestErrorCode, state.detail) };
    }
    try {
      const probe = await this.check(clip);
      await this.clips.markReady(clip.vehicleId, clip.clipId, { ...probe });
      await this.segments.reopenOverlapping(clip.driveId, clip.startT, clip.endT);
      this.assembler.schedule([clip.driveId]);
      ingestMetrics.clips.inc({ outcome: 'ready' });
      return { status: 'ready', probe };
    } catch (err) {
      if (!(err instanceof IngestException)) throw err;
      await this.clips.markFailed(clip.vehicleId, clip.clipId, err.code, err.detail);
      ingestMetrics.clips.inc({ outcome: err.code });
      this.logger.warn(`Clip ${clip.vehicleId}/${clip.clipId} failed: ${err.message}`);
      return { status: 'failed', error: err };
    }
  }

  private async check(clip: FleetClipsV1): Promise<VideoProbe> {
    let key: string;
    try {
      key = this.store.keyOf(clip.uri);
    } catch (err) {
      if (err instanceof StorageException && (err.code === StorageErrorCode.ForeignUri || err.code === StorageErrorCode.InvalidKey)) {
        throw new IngestException(IngestErrorCode.UnknownClipObject, `${clip.uri} is not in this engine's object store: ${err.message}`, '/uri');
      }
      throw err;
    }
    let source;
    try {
      source = await this.store.getStream(key);
    } catch (err) {
      if (err instanceof StorageException && err.code === StorageErrorCode.NotFound) {
        throw new IngestException(IngestErrorCode.UnknownClipObject, `no object at ${clip.uri}`, '/uri');
      }
      throw err;
    }
    // Hashed on its way to the local file that ffprobe reads (an MP4's index may come last: no pipes).
    const hashing = new HashingReader(key, undefined);
    return withLocalFile(Readable.from(hashing.read(source)), async (file) => {
      const actual = hashing.sha256;
      if (actual !== clip.sha256) throw new IngestException(IngestErrorCode.ChecksumMismatch, `the object's sha256 is ${actual}, the message says ${clip.sha256}`, '/sha256');
      try {
        return await probeVideo(file);
      } catch (err) {
        throw new IngestException(IngestErrorCode.UndecodableVideo, `ffprobe cannot read it: ${(err as Error).message}`, '/uri');
      }
    });
  }
}
