import { type Readable } from 'node:stream';

/** What a stored object looks like from outside. `sha256` is hex, of the whole body. */
export interface BlobInfo {
  key: string;
  size: number;
  sha256: string | undefined;
  contentType: string | undefined;
}

/** What a put wrote: the store hashed every byte, so the sha256 is always known. */
export type StoredBlob = BlobInfo & { sha256: string };

export interface PutOptions {
  contentType?: string;
  /** Expected hex sha256 of the body; the put fails with ChecksumMismatch, writing nothing, when it differs. */
  sha256?: string;
}

export interface PresignPutOptions {
  contentType?: string;
  /** Seconds the URL stays valid (default 900, at most 7 days). */
  expiresIn?: number;
}

/**
 * Object storage behind one interface: S3 (any S3-compatible server) or a local folder.
 * Keys are '/'-separated relative paths without empty, '.' or '..' segments, leading '/' or NUL
 * (else InvalidKey). Every put records the body's sha256 (object metadata), so readers can verify
 * what they get. Failures callers may act on are StorageException with a StorageErrorCode.
 */
export interface BlobStore {
  readonly kind: 's3' | 'local';
  /** Makes the bucket / folder usable; idempotent. */
  init(): Promise<void>;
  /** Stores a body; a stream or a large buffer goes up in parts (multipart upload). */
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<StoredBlob>;
  /** Reads a whole object and verifies its recorded sha256 (else ChecksumMismatch); NotFound when absent. */
  get(key: string): Promise<Buffer>;
  /** Streams an object (not verified: the caller hashes as it reads if it needs to); NotFound when absent. */
  getStream(key: string): Promise<Readable>;
  /** Metadata, or undefined when the object does not exist. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** Deletes an object; deleting what is absent is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every object whose key starts with a prefix, in key order (UTF-8 bytes), paging as needed.
   * Yields key and size only: sha256 and contentType are undefined (S3 listings carry no metadata; use head).
   */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** A short-lived URL anyone can GET the object from. */
  presignGet(key: string, expiresIn?: number): Promise<string>;
  /** A short-lived URL anyone can PUT the object body to (sending options.contentType as Content-Type). */
  presignPut(key: string, options?: PresignPutOptions): Promise<string>;
  /** The canonical URI of a key (`s3://bucket/key` or `file:///abs/path`), as written into messages. */
  uri(key: string): string;
  /** The key a URI of this store names; ForeignUri when it belongs to another store. */
  keyOf(uri: string): string;
}

export const BLOB_STORE = Symbol('BLOB_STORE');
