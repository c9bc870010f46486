import { type Readable, Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { BUS, type Bus } from '@surprisal/bus';
import { FLEET_ID, type FleetClipsV1 } from '@surprisal/contracts';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { IngestErrorCode, IngestException } from '../ingest.exception';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.settings';
import { guarded, validateClip } from '../validation/fleet-message.validation';

/** Direct uploads are for small clips; larger ones go through a presigned PUT. */
const MAX_DIRECT_UPLOAD_BYTES = 16 * 1024 * 1024;
const UPLOAD_URL_TTL_S = 900;
const CAMERA = /^[a-z0-9_-]{1,32}$/;

const EXTENSIONS: Record<string, string> = { 'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/x-matroska': 'mkv', 'video/webm': 'webm', 'video/mp2t': 'ts' };

export interface ClipUploadRequest {
  vehicleId: string;
  driveId: string;
  clipId: string;
  camera: string;
  contentType: string;
}

export interface ClipUploadGrant {
  uri: string;
  uploadUrl: string;
  expiresAt: string;
  /** The Content-Type the PUT must send. */
  contentType: string;
}

/** The metadata of a direct upload (the body is the video). */
export interface DirectClipUpload {
  vehicleId: string;
  driveId: string;
  clipId: string;
  camera: string;
  startT: number;
  endT: number;
  fps: number;
  contentType: string;
}

function clipKey(r: { vehicleId: string; driveId: string; clipId: string; camera: string; contentType: string }): string {
  for (const [field, value, re] of [
    ['vehicleId', r.vehicleId, FLEET_ID],
    ['driveId', r.driveId, FLEET_ID],
    ['clipId', r.clipId, FLEET_ID],
    ['camera', r.camera, CAMERA],
  ] as const) {
    if (typeof value !== 'string' || !re.test(value)) throw new IngestException(IngestErrorCode.SchemaViolation, `${field} must match ${re.source}`, `/${field}`);
  }
  const ext = EXTENSIONS[r.contentType];
  if (!ext) throw new IngestException(IngestErrorCode.SchemaViolation, `contentType must be one of ${Object.keys(EXTENSIONS).join(', ')}`, '/contentType');
  return `clips/${r.vehicleId}/${r.driveId}/${r.clipId}-${r.camera}.${ext}`;
}

/**
 * The clip flows that arrive without Kafka: a presigned PUT then a notification (the FleetClipsV1
 * body, published to the clips topic), or one direct upload of a small clip that is stored and
 * then published the same way. The clips consumer checks and probes the object in every case.
 */
@Injectable()
export class ClipUploadsUseCase {
  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {}

  /** A presigned PUT for the clip's object and the URI to name in the notification. */
  async grant(request: ClipUploadRequest): Promise<ClipUploadGrant> {
    const key = clipKey(request);
    const uploadUrl = await this.store.presignPut(key, { contentType: request.contentType, expiresIn: UPLOAD_URL_TTL_S });
    return { uri: this.store.uri(key), uploadUrl, expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_S * 1000).toISOString(), contentType: request.contentType };
  }

  /** A FleetClipsV1 notification: validated, then published (keyed by vehicle). */
  async notify(body: unknown, receivedAt = Date.now()): Promise<FleetClipsV1> {
    const clip = guarded(() => validateClip(body, receivedAt, this.settings.timeBounds));
    await this.bus.publish(this.settings.clipsTopic, [{ key: clip.vehicleId, value: JSON.stringify(clip) }]);
    return clip;
  }

  /** Stores a small clip sent as the request body, then notifies as if it had been uploaded with a presigned PUT. */
  async upload(meta: DirectClipUpload, body: Readable | Buffer, receivedAt = Date.now()): Promise<FleetClipsV1> {
    const key = clipKey(meta);
    const uri = this.store.uri(key);
    const draft = { vehicleId: meta.vehicleId, driveId: meta.driveId, clipId: meta.clipId, camera: meta.camera, uri, startT: meta.startT, endT: meta.endT, fps: meta.fps };
    // Check the metadata before taking the bytes.
    guarded(() => validateClip({ ...draft, sha256: '0'.repeat(64) }, receivedAt, this.settings.timeBounds));
    let size = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > MAX_DIRECT_UPLOAD_BYTES) {
          done(new IngestException(IngestErrorCode.PayloadTooLarge, `direct uploads take at most ${MAX_DIRECT_UPLOAD_BYTES} bytes; use POST /v1/ingest/clips/uploads for larger clips`));
          return;
        }
        done(null, chunk);
      },
    });
    if (Buffer.isBuffer(body)) counting.end(body);
    else body.pipe(counting);
    let sha256: string;
    try {
      // put hashes what it stores: that digest goes in the notification.
      ({ sha256 } = await this.store.put(key, counting, { contentType: meta.contentType }));
    } catch (err) {
      // A failed transform surfaces as the put's error; prefer the reason we gave.
      if (err instanceof IngestException) throw err;
      if ((err as { cause?: unknown }).cause instanceof IngestException) throw (err as { cause: IngestException }).cause;
      if (size > MAX_DIRECT_UPLOAD_BYTES) throw new IngestException(IngestErrorCode.PayloadTooLarge, `direct uploads take at most ${MAX_DIRECT_UPLOAD_BYTES} bytes`);
      throw err;
    }
    if (size === 0) throw new IngestException(IngestErrorCode.UndecodableVideo, 'the upload is empty');
    return this.notify({ ...draft, sha256 }, receivedAt);
  }

}
