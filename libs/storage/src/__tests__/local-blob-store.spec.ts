import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../local-blob-store';
import { StorageErrorCode } from '../storage.exception';
import { describeBlobStoreContract, failure } from './blob-store.contract';

const PUBLIC_URL = 'http://127.0.0.1:3000';
const SECRET = 'a-test-signing-secret-of-32-chars!';
const tempDir = () => mkdtemp(join(tmpdir(), 'surprisal-blobs-'));

describeBlobStoreContract('local', async () => {
  const dir = await tempDir();
  const store = new LocalBlobStore(dir, { publicUrl: PUBLIC_URL, signingSecret: SECRET });
  // No HTTP route exists in this lib: do what the engine's blob route will do with a presigned URL.
  return {
    store,
    corrupt: (key, body) => writeFile(join(dir, 'objects', key), body),
    // Temp files carry no key: any left in tmp/ is a leftover.
    leftovers: async () => (await readdir(join(dir, 'tmp'))).length,
    putViaUrl: async (url, body, contentType) => {
      const grant = store.verifySignedUrl(url);
      expect(grant).toMatchObject({ op: 'put', contentType });
      await store.put(grant.key, body, { contentType: grant.contentType });
    },
    getViaUrl: async (url) => {
      const grant = store.verifySignedUrl(url);
      expect(grant.op).toBe('get');
      const chunks: Buffer[] = [];
      for await (const c of await store.getStream(grant.key)) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('LocalBlobStore', () => {
  let dir: string;
  let store: LocalBlobStore;

  beforeAll(async () => {
    dir = await tempDir();
    store = new LocalBlobStore(dir, { publicUrl: `${PUBLIC_URL}/`, signingSecret: SECRET });
    await store.init();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe('presigned URLs', () => {
    const key = 'clips/a b.mp4';
    const rejected = (url: string, now?: number) => failure(() => store.verifySignedUrl(url, now));

    it('grants exactly what was signed, from the full URL or the path the route sees', async () => {
      const url = await store.presignPut(key, { contentType: 'video/mp4', expiresIn: 60 });
      expect(url.startsWith(`${PUBLIC_URL}/v1/blobs/clips/a%20b.mp4?op=put&exp=`)).toBe(true);
      const grant = { op: 'put', key, contentType: 'video/mp4' };
      expect(store.verifySignedUrl(url)).toEqual(grant);
      const { pathname, search } = new URL(url);
      expect(store.verifySignedUrl(pathname + search)).toEqual(grant);
    });

    it('rejects tampered, expired or foreign URLs', async () => {
      const get = await store.presignGet(key, 60);
      const put = await store.presignPut(key, { contentType: 'video/mp4' });
      const tamper = (url: string, edit: (u: URL) => void) => {
        const u = new URL(url);
        edit(u);
        return u.href;
      };
      const cases = {
        otherKey: tamper(get, (u) => (u.pathname = '/v1/blobs/clips/other.mp4')),
        otherOp: tamper(get, (u) => u.searchParams.set('op', 'put')),
        laterExpiry: tamper(get, (u) => u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 3600))),
        otherContentType: tamper(put, (u) => u.searchParams.set('ct', 'text/html')),
        flippedSig: tamper(get, (u) => u.searchParams.set('sig', `${u.searchParams.get('sig')?.startsWith('0') ? '1' : '0'}${u.searchParams.get('sig')?.slice(1)}`)),
        shortSig: tamper(get, (u) => u.searchParams.set('sig', 'abcd')),
        noSig: tamper(get, (u) => u.searchParams.delete('sig')),
        otherRoute: tamper(get, (u) => (u.pathname = u.pathname.replace('/v1/blobs/', '/v1/other/'))),
      };
      for (const [name, url] of Object.entries(cases)) expect(await rejected(url), name).toBe(StorageErrorCode.BadSignature);
      expect(await rejected(get, Date.now() + 61_000), 'expired').toBe(StorageErrorCode.BadSignature);
      const otherSecret = new LocalBlobStore(dir, { publicUrl: PUBLIC_URL, signingSecret: undefined });
      expect(await rejected(await otherSecret.presignGet(key)), 'other secret').toBe(StorageErrorCode.BadSignature);
      expect(await failure(() => store.verifySignedUrl(get.replace('clips/a%20b.mp4', 'clips/a%00b.mp4')))).toBe(StorageErrorCode.InvalidKey);
    });
  });

  it('refuses a key whose name is taken by a folder, and frees the name once the folder empties', async () => {
    await store.put('clip/frame-1', Buffer.from('1'));
    expect(await failure(() => store.put('clip', Buffer.from('x')))).toBe(StorageErrorCode.InvalidKey);
    expect(await store.head('clip')).toBeUndefined();
    await store.delete('clip/frame-1');
    await store.put('clip', Buffer.from('x'));
    expect(await store.get('clip')).toEqual(Buffer.from('x'));
  });

  it('reads an object without a sidecar (dropped in by hand) as unverified', async () => {
    await writeFile(join(dir, 'objects', 'by-hand'), 'raw');
    expect(await store.head('by-hand')).toEqual({ key: 'by-hand', size: 3, sha256: undefined, contentType: undefined });
    expect(await store.get('by-hand')).toEqual(Buffer.from('raw'));
  });
});
