import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BlobInfo, type BlobStore, type PresignPutOptions, type PutOptions, type StoredBlob } from './blob-store';
import { type BlobGrant, BlobUrlSigner } from './blob-url-signer';
import { StorageErrorCode, StorageException } from './storage.exception';
import { assertSha256, assertValidKey, assertValidPrefix, blobNotFound, HashingReader, presignExpiry, sha256Hex } from './storage.util';

interface Sidecar {
  sha256: string;
  contentType: string | undefined;
}

export interface LocalBlobStoreOptions {
  /** Base URL of the engine's HTTP server, which serves the presigned URLs. */
  publicUrl: string;
  signingSecret: string | undefined;
}

const errno = (e: unknown): string | undefined => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);
/** ENOENT for a missing file; ENOTDIR/EISDIR when part of the key is a file or the key is a folder. */
const isMissing = (e: unknown) => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errno(e) ?? '');

/**
 * A BlobStore on a folder, for the embedded single-machine setup:
 *   objects/<key>  the raw bytes (what `file://` URIs point at, so any tool can read them)
 *   meta/<key>     a JSON sidecar with sha256 and content type, in a parallel tree so it never
 *                  collides with a key nor shows up in `list`
 *   tmp/           bodies being written; renamed into place only once complete and fsynced
 * A put writes the sidecar before the object: a crash in between leaves either a sidecar with no
 * object (invisible) or, on overwrite, a sidecar that no longer matches (`get` reports it) — never
 * a half object. One limitation of folders: keys `a` and `a/b` cannot both exist.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;
  private readonly signer: BlobUrlSigner;

  constructor(dir: string, options: LocalBlobStoreOptions) {
    const root = resolve(dir);
    this.objectsDir = join(root, 'objects');
    this.metaDir = join(root, 'meta');
    this.tmpDir = join(root, 'tmp');
    this.signer = new BlobUrlSigner(options.publicUrl, options.signingSecret);
  }

  async init(): Promise<void> {
    await Promise.all([this.objectsDir, this.metaDir, this.tmpDir].map((d) => mkdir(d, { recursive: true })));
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<StoredBlob> {
    assertValidKey(key);
    const reader = new HashingReader(key, options.sha256);
    const tmp = await this.writeTemp(reader.read(body));
    const sidecar: Sidecar = { sha256: reader.sha256, contentType: options.contentType };
    try {
      await this.commit(await this.writeTemp([Buffer.from(JSON.stringify(sidecar))]), join(this.metaDir, key), key);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    await this.commit(tmp, this.objectPath(key), key);
    return { key, size: reader.size, sha256: reader.sha256, contentType: options.contentType };
  }

  async get(key: string): Promise<Buffer> {
    const [body, meta] = await Promise.all([this.read(key, () => readFile(this.objectPath(key))), this.readSidecar(key)]);
    if (meta) assertSha256(key, sha256Hex(body), meta.sha256, 'recorded');
    return body;
  }

  async getStream(key: string): Promise<Readable> {
    // Open first so a missing key fails here, not later inside the stream.
    const handle = await this.read(key, () => open(this.objectPath(key)));
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw blobNotFound(key);
    }
    return handle.createReadStream();
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    const size = await this.sizeOf(key);
    if (size === undefined) return undefined;
    const meta = await this.readSidecar(key);
    return { key, size, sha256: meta?.sha256, contentType: meta?.contentType };
  }

  async delete(key: string): Promise<void> {
    // Object first: a crash in between leaves only an invisible sidecar.
    await this.remove(this.objectPath(key), this.objectsDir);
    await this.remove(join(this.metaDir, key), this.metaDir);
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertValidPrefix(prefix);
    // Walk only the folder the prefix names, then filter: a prefix may end mid-name (`a/b` matches `a/bc`).
    const base = join(this.objectsDir, prefix.slice(0, prefix.lastIndexOf('/') + 1));
    let entries;
    try {
      entries = await readdir(base, { recursive: true, withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    const keys = entries
      .filter((d) => d.isFile())
      .map((d) => relative(this.objectsDir, join(d.parentPath, d.name)).split(sep).join('/'))
      .filter((k) => k.startsWith(prefix))
      // S3's order: by UTF-8 bytes.
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const key of keys) {
      const size = await this.sizeOf(key);
      // Deleted while listing: skip it, as an S3 listing taken a moment later would.
      if (size !== undefined) yield { key, size, sha256: undefined, contentType: undefined };
    }
  }

  async presignGet(key: string, expiresIn?: number): Promise<string> {
    assertValidKey(key);
    return Promise.resolve(this.signer.sign('get', key, presignExpiry(expiresIn)));
  }

  async presignPut(key: string, options: PresignPutOptions = {}): Promise<string> {
    assertValidKey(key);
    return Promise.resolve(this.signer.sign('put', key, presignExpiry(options.expiresIn), options.contentType));
  }

  /**
   * For the engine's blob route: checks a presigned URL (the request's path and query) and
   * returns the operation and key it grants; StorageException BadSignature otherwise. The route
   * then checks grant.op against the HTTP method and calls put (with grant.contentType) or getStream.
   */
  verifySignedUrl(url: string, now?: number): BlobGrant {
    return this.signer.verify(url, now);
  }

  uri(key: string): string {
    return pathToFileURL(this.objectPath(key)).href;
  }

  keyOf(uri: string): string {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      throw new StorageException(StorageErrorCode.ForeignUri, `${uri} is not a file:// URI`);
    }
    const rel = relative(this.objectsDir, path);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new StorageException(StorageErrorCode.ForeignUri, `${uri} is not inside ${this.objectsDir}`);
    }
    const key = rel.split(sep).join('/');
    assertValidKey(key);
    return key;
  }

  private objectPath(key: string): string {
    assertValidKey(key);
    return join(this.objectsDir, key);
  }

  private async sizeOf(key: string): Promise<number | undefined> {
    try {
      const st = await stat(this.objectPath(key));
      return st.isFile() ? st.size : undefined;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  /** Runs a read, turning "no such file" into NotFound. */
  private async read<T>(key: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (isMissing(e)) throw blobNotFound(key);
      throw e;
    }
  }

  private async readSidecar(key: string): Promise<Sidecar | undefined> {
    try {
      return JSON.parse(await readFile(join(this.metaDir, key), 'utf8')) as Sidecar;
    } catch (e) {
      // An object dropped into the folder by hand has no sidecar: it reads as unverified.
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  /** Writes chunks to a fresh temp file and fsyncs it; removes it if anything fails. */
  private async writeTemp(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<string> {
    const tmp = join(this.tmpDir, randomUUID());
    const file = await open(tmp, 'wx');
    try {
      for await (const chunk of chunks) await file.write(chunk);
      await file.sync();
    } catch (e) {
      await file.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await file.close();
    return tmp;
  }

  /**
   * Renames a complete temp file into place (removing it on failure) and fsyncs the folder so the
   * rename survives a crash.
   */
  private async commit(tmp: string, dest: string, key: string): Promise<void> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await mkdir(dirname(dest), { recursive: true });
          await rename(tmp, dest);
          break;
        } catch (e) {
          // A concurrent delete may prune the fresh folder before the rename: make it again.
          if (errno(e) !== 'ENOENT' || attempt === 3) throw e;
        }
      }
    } catch (e) {
      await rm(tmp, { force: true });
      if (['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST'].includes(errno(e) ?? '')) {
        throw new StorageException(StorageErrorCode.InvalidKey, `Blob ${JSON.stringify(key)}: a local store cannot hold both a key and keys under it`);
      }
      throw e;
    }
    const dir = await open(dirname(dest), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Removes a file and the folders it leaves empty, so a later key may take their name. */
  private async remove(path: string, root: string): Promise<void> {
    try {
      await unlink(path);
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (let dir = dirname(path); dir !== root && dir.startsWith(root); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
    }
  }
}
