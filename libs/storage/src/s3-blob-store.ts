import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type StorageConfig } from '@surprisal/config';
import { Readable } from 'node:stream';
import { type BlobInfo, type BlobStore, type PresignPutOptions, type PutOptions, type StoredBlob } from './blob-store';
import { StorageErrorCode, StorageException } from './storage.exception';
import { assertSha256, assertValidKey, assertValidPrefix, blobNotFound, HashingReader, presignExpiry, sha256Hex } from './storage.util';

export type S3StorageConfig = Extract<StorageConfig, { kind: 's3' }>;

export interface S3BlobStoreOptions {
  /** Keys per ListObjectsV2 page (S3's maximum and default: 1000); smaller in tests to exercise paging. */
  listPageSize?: number;
}

/** Buffers up to this size go up in one PutObject; streams and larger buffers in parts of this size. */
const PART_SIZE = 8 * 1024 * 1024;
/** The user-metadata entry (x-amz-meta-sha256) holding the hex sha256 of the whole body. */
const SHA256_META = 'sha256';

const isS3Error = (e: unknown, ...names: string[]) => e instanceof S3ServiceException && names.includes(e.name);

/**
 * A BlobStore on S3 or any S3-compatible server (MinIO, s3rver, ...).
 *
 * The SDK's flexible checksums (CRC32 trailers) are turned off, since compatible servers often
 * lack them; instead every put records its own sha256 in the object's metadata and `get` checks
 * it. A stream's sha256 is known only at its end, after the upload began, and S3 metadata cannot
 * change after an upload, so a stream goes up first and is then copied onto itself with the
 * metadata (CopyObject, MetadataDirective REPLACE). The copy is server-side (no bytes travel
 * back through us) but the server does rewrite the object (MinIO does, into a single part).
 * Hashing a stream before uploading would instead need it buffered, bounding its size by memory
 * or spool disk. Consequences: until the copy lands, the object reads without a sha256
 * (unverified); and CopyObject is limited to 5 GiB, so a larger stream put fails (and is
 * deleted). Buffers, whose sha256 is known up front, carry it from the start and need no copy.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly listPageSize: number;

  constructor(config: S3StorageConfig, options: S3BlobStoreOptions = {}) {
    this.bucket = config.bucket;
    this.listPageSize = options.listPageSize ?? 1000;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      // Without explicit keys the SDK's default chain applies (env, profile, instance role).
      credentials:
        config.accessKeyId !== undefined && config.secretAccessKey !== undefined
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Resolve each command's middleware stack once, not on every send (about a tenth of a small put's
      // CPU, and ingest puts one object per segment). Nothing here changes the stack after creation.
      cacheMiddleware: true,
    });
  }

  async init(): Promise<void> {
    // Head first: in production the bucket exists and the role may lack CreateBucket.
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (e) {
      if (!(e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404)) throw e;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      // Another process created it in the meantime.
      if (!isS3Error(e, 'BucketAlreadyOwnedByYou')) throw e;
    }
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<StoredBlob> {
    assertValidKey(key);
    const { contentType } = options;
    if (Buffer.isBuffer(body)) {
      // The sha256 is known up front: refuse before writing anything, and store it with the object.
      const sha256 = sha256Hex(body);
      assertSha256(key, sha256, options.sha256);
      const Metadata = { [SHA256_META]: sha256 };
      if (body.length <= PART_SIZE) {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Metadata }));
      } else {
        await this.upload(key, body, contentType, Metadata);
      }
      return { key, size: body.length, sha256, contentType };
    }
    // The reader throws on a sha256 mismatch before the body ends, so the Upload aborts its
    // multipart upload (or never sends its single PutObject): nothing is left behind.
    const reader = new HashingReader(key, options.sha256);
    await this.upload(key, Readable.from(reader.read(body)), contentType, {});
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          Metadata: { [SHA256_META]: reader.sha256 },
          ContentType: contentType,
        }),
      );
    } catch (e) {
      // An object without its sha256 would break the promise that every put records one.
      await this.delete(key);
      throw e;
    }
    return { key, size: reader.size, sha256: reader.sha256, contentType };
  }

  async get(key: string): Promise<Buffer> {
    const res = await this.getObject(key);
    const body = Buffer.from(await res.Body.transformToByteArray());
    const recorded = res.Metadata?.[SHA256_META];
    if (recorded !== undefined) assertSha256(key, sha256Hex(body), recorded, 'recorded');
    return body;
  }

  async getStream(key: string): Promise<Readable> {
    const { Body: body } = await this.getObject(key);
    if (!(body instanceof Readable)) throw new Error('S3 GetObject did not return a Node stream');
    return body;
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: res.ContentLength ?? 0, sha256: res.Metadata?.[SHA256_META], contentType: res.ContentType };
    } catch (e) {
      // A HEAD response has no body, so the error is named after its status only.
      if (isS3Error(e, 'NotFound', 'NoSuchKey')) return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: this.listPageSize, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield { key: o.Key, size: o.Size ?? 0, sha256: undefined, contentType: undefined };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async presignGet(key: string, expiresIn?: number): Promise<string> {
    assertValidKey(key);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: presignExpiry(expiresIn) });
  }

  /** The uploader must send the same Content-Type header. Such an upload records no sha256. */
  async presignPut(key: string, options: PresignPutOptions = {}): Promise<string> {
    assertValidKey(key);
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType }), {
      expiresIn: presignExpiry(options.expiresIn),
    });
  }

  uri(key: string): string {
    assertValidKey(key);
    return `s3://${this.bucket}/${key}`;
  }

  keyOf(uri: string): string {
    const base = `s3://${this.bucket}/`;
    if (!uri.startsWith(base)) throw new StorageException(StorageErrorCode.ForeignUri, `${uri} is not in bucket ${this.bucket}`);
    const key = uri.slice(base.length);
    assertValidKey(key);
    return key;
  }

  private async upload(key: string, body: Buffer | Readable, contentType: string | undefined, metadata: Record<string, string>): Promise<void> {
    await new Upload({
      client: this.client,
      partSize: PART_SIZE,
      // Abort the multipart upload on any failure rather than leave its parts billed and invisible.
      leavePartsOnError: false,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata },
    }).done();
  }

  private async getObject(key: string) {
    assertValidKey(key);
    let res;
    try {
      res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (e) {
      if (isS3Error(e, 'NoSuchKey', 'NotFound')) throw blobNotFound(key);
      throw e;
    }
    const { Body, Metadata } = res;
    if (Body === undefined) throw new Error('S3 GetObject returned no body');
    return { Body, Metadata };
  }
}
