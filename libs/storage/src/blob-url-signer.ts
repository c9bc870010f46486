import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { StorageErrorCode, StorageException } from './storage.exception';
import { assertValidKey } from './storage.util';

/** The route that serves local blobs (on the engine's own HTTP server). */
export const BLOB_ROUTE_PREFIX = '/v1/blobs/';

export type BlobOp = 'get' | 'put';

/** What a verified URL allows: one operation on one key (and, for a put, the content type signed into it). */
export interface BlobGrant {
  op: BlobOp;
  key: string;
  contentType: string | undefined;
}

/**
 * Signs and verifies the local store's presigned URLs:
 * `${publicUrl}/v1/blobs/<key>?op=get|put&exp=<epoch-s>[&ct=<type>]&sig=<hex hmac-sha256>`.
 */
export class BlobUrlSigner {
  private readonly secret: Buffer;
  private readonly baseUrl: string;

  /** Without a configured secret, a random one: URLs then stop working when the process restarts. */
  constructor(publicUrl: string, secret: string | undefined) {
    this.baseUrl = publicUrl.replace(/\/+$/, '');
    this.secret = secret === undefined ? randomBytes(32) : Buffer.from(secret);
  }

  sign(op: BlobOp, key: string, expiresIn: number, contentType?: string, now = Date.now()): string {
    const exp = String(Math.floor(now / 1000) + expiresIn);
    const query = new URLSearchParams({ op, exp });
    if (contentType !== undefined) query.set('ct', contentType);
    query.set('sig', this.mac(op, key, exp, contentType).toString('hex'));
    return `${this.baseUrl}${BLOB_ROUTE_PREFIX}${key.split('/').map(encodeURIComponent).join('/')}?${query.toString()}`;
  }

  /**
   * Checks a URL this signer made (absolute, or the path and query the HTTP route received) and
   * returns what it grants; StorageException BadSignature when it is tampered with or expired.
   * The caller must still check that grant.op matches the HTTP method.
   */
  verify(url: string, now = Date.now()): BlobGrant {
    const bad = (why: string) => new StorageException(StorageErrorCode.BadSignature, `Blob URL rejected: ${why}`);
    const parsed = new URL(url, 'http://localhost');
    const at = parsed.pathname.indexOf(BLOB_ROUTE_PREFIX);
    if (at < 0) throw bad(`path is not under ${BLOB_ROUTE_PREFIX}`);
    let key: string;
    try {
      key = parsed.pathname.slice(at + BLOB_ROUTE_PREFIX.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      throw bad('malformed key encoding');
    }
    assertValidKey(key);
    const q = parsed.searchParams;
    const op = q.get('op');
    const exp = q.get('exp');
    const sig = q.get('sig');
    const contentType = q.get('ct') ?? undefined;
    if ((op !== 'get' && op !== 'put') || exp === null || !/^\d{1,12}$/.test(exp) || sig === null || !/^[0-9a-f]{64}$/.test(sig)) {
      throw bad('missing or malformed op, exp or sig');
    }
    // Compare MACs in constant time before looking at the expiry, so timing reveals nothing.
    if (!timingSafeEqual(Buffer.from(sig, 'hex'), this.mac(op, key, exp, contentType))) throw bad('signature mismatch');
    if (Number(exp) * 1000 < now) throw bad('expired');
    return { op, key, contentType };
  }

  private mac(op: BlobOp, key: string, exp: string, contentType: string | undefined): Buffer {
    // NUL cannot occur in a key, an op or a number, so the fields cannot be shifted into each other.
    return createHmac('sha256', this.secret).update([op, key, exp, contentType ?? ''].join('\0')).digest();
  }
}
