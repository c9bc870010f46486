import { createHash } from 'node:crypto';
import { type Readable } from 'node:stream';
import { StorageErrorCode, StorageException } from './storage.exception';

/** Presigned URLs default to 15 minutes and may not outlive S3's own SigV4 limit of 7 days. */
const DEFAULT_EXPIRY_S = 900;
const MAX_EXPIRY_S = 7 * 24 * 3600;

/**
 * Keys are '/'-separated relative paths. Besides the rules S3 itself would not enforce ('..'
 * segments, leading '/', NUL), empty and '.' segments are refused too: on a file system `a//b`,
 * `a/./b` and `a/b` would be one file, so both stores accept exactly the same set of keys.
 */
export function assertValidKey(key: string): void {
  const problem =
    key === ''
      ? 'is empty'
      : key.includes('\0')
        ? 'contains NUL'
        : key.startsWith('/')
          ? "starts with '/'"
          : key.split('/').some((s) => s === '' || s === '.' || s === '..')
            ? "has an empty, '.' or '..' segment"
            : Buffer.byteLength(key) > 1024
              ? 'is longer than 1024 bytes'
              : undefined;
  if (problem !== undefined) throw new StorageException(StorageErrorCode.InvalidKey, `Invalid blob key ${JSON.stringify(key)}: ${problem}`);
}

/** A list prefix may end anywhere (`a/b` matches `a/bc`), but must not climb out of the store. */
export function assertValidPrefix(prefix: string): void {
  if (prefix.includes('\0') || prefix.startsWith('/') || prefix.split('/').includes('..')) {
    throw new StorageException(StorageErrorCode.InvalidKey, `Invalid blob prefix ${JSON.stringify(prefix)}`);
  }
}

export function blobNotFound(key: string): StorageException {
  return new StorageException(StorageErrorCode.NotFound, `Blob ${JSON.stringify(key)} not found`);
}

export function presignExpiry(expiresIn = DEFAULT_EXPIRY_S): number {
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRY_S) {
    throw new RangeError(`expiresIn must be an integer from 1 to ${MAX_EXPIRY_S} seconds (got ${expiresIn})`);
  }
  return expiresIn;
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Throws ChecksumMismatch when a caller's expected sha256 (any case) differs from the actual one. */
export function assertSha256(key: string, actual: string, expected: string | undefined, what = 'expected'): void {
  if (expected !== undefined && expected.toLowerCase() !== actual) {
    throw new StorageException(StorageErrorCode.ChecksumMismatch, `Blob ${JSON.stringify(key)}: sha256 ${actual} differs from the ${what} ${expected}`);
  }
}

/**
 * Hashes and counts a body while it passes through to a writer. The expected sha256 is checked
 * when the body ends, before the generator finishes, so the writer fails before it commits:
 * nothing half-checked ever becomes visible.
 */
export class HashingReader {
  private readonly hash = createHash('sha256');
  private digest: string | undefined;
  size = 0;

  constructor(
    private readonly key: string,
    private readonly expected: string | undefined,
  ) {}

  /** Hex sha256 of everything read; only once the body has been read to its end. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('HashingReader: body not fully read yet');
    return this.digest;
  }

  async *read(body: Buffer | Readable): AsyncGenerator<Buffer> {
    for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      // Readables yield Buffers, or strings / Uint8Arrays in some modes.
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array | string);
      this.hash.update(buf);
      this.size += buf.length;
      yield buf;
    }
    this.digest = this.hash.digest('hex');
    assertSha256(this.key, this.digest, this.expected);
  }
}
