import { uniqueSuffix } from '@surprisal/testing';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlobStore } from '../blob-store';
import { StorageErrorCode, StorageException } from '../storage.exception';

/** What the contract needs beyond the store: ways to reach around it, as a bug or an outside client would. */
export interface BlobStoreHarness {
  store: BlobStore;
  /** Replaces an object's bytes behind the store's back, keeping its recorded sha256. */
  corrupt(key: string, body: Buffer): Promise<void>;
  /** Unfinished writes of a key the store left behind (pending multipart uploads, temp files). */
  leftovers(key: string): Promise<number>;
  /** How many parts the store uploaded an object in; omitted where the store has no parts. */
  partCount?(key: string): Promise<number>;
  /** Uses presigned URLs the way a client outside the engine would. */
  putViaUrl(url: string, body: Buffer, contentType: string): Promise<void>;
  getViaUrl(url: string): Promise<Buffer>;
  dispose?(): Promise<void>;
}

/** Small, so that a handful of objects already spans several list pages. */
const LIST_PAGE_SIZE = 2;
const MiB = 1024 * 1024;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A stream in 1 MiB chunks, as a file or socket would deliver it. */
const streamOf = (b: Buffer) => Readable.from(Array.from({ length: Math.ceil(b.length / MiB) }, (_, i) => b.subarray(i * MiB, (i + 1) * MiB)));

/** The StorageErrorCode an action fails with, or undefined when it succeeds. */
export async function failure(action: () => unknown): Promise<StorageErrorCode | undefined> {
  try {
    await action();
  } catch (e) {
    if (e instanceof StorageException) return e.code;
    throw e;
  }
  return undefined;
}

export function describeBlobStoreContract(name: string, makeHarness: (options: { listPageSize: number }) => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let h: BlobStoreHarness;
    let store: BlobStore;
    // Every key of a run lives under its own prefix, so runs sharing a bucket never collide.
    const p = `contract-${uniqueSuffix()}/`;

    beforeAll(async () => {
      h = await makeHarness({ listPageSize: LIST_PAGE_SIZE });
      store = h.store;
      await store.init();
      await store.init(); // idempotent
    });

    afterAll(async () => {
      if (!h) return;
      for await (const { key } of store.list(p)) await store.delete(key);
      await h.dispose?.();
    });

    it('round-trips put/get/head and records sha256 and content type', async () => {
      const body = Buffer.from('{"frames":42}');
      const info = await store.put(`${p}rt.json`, body, { contentType: 'application/json', sha256: sha256(body).toUpperCase() });
      const expected = { key: `${p}rt.json`, size: body.length, sha256: sha256(body), contentType: 'application/json' };
      expect(info).toEqual(expected);
      expect(await store.head(`${p}rt.json`)).toEqual(expected);
      expect(await store.get(`${p}rt.json`)).toEqual(body);
      const chunks: Buffer[] = [];
      for await (const c of await store.getStream(`${p}rt.json`)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks)).toEqual(body);
    });

    it('rejects a buffer put with the wrong sha256 and keeps the previous object', async () => {
      const key = `${p}wrong-sha`;
      expect(await failure(() => store.put(key, Buffer.from('new'), { sha256: sha256(Buffer.from('other')) }))).toBe(StorageErrorCode.ChecksumMismatch);
      expect(await store.head(key)).toBeUndefined();
      expect(await h.leftovers(key)).toBe(0);
      await store.put(key, Buffer.from('old'));
      expect(await failure(() => store.put(key, Buffer.from('new'), { sha256: sha256(Buffer.from('other')) }))).toBe(StorageErrorCode.ChecksumMismatch);
      expect(await store.get(key)).toEqual(Buffer.from('old'));
    });

    it('rejects a multipart stream put with the wrong sha256 and leaves nothing', async () => {
      const key = `${p}wrong-sha-stream`;
      const body = randomBytes(12 * MiB);
      expect(await failure(() => store.put(key, streamOf(body), { sha256: sha256(Buffer.from('other')) }))).toBe(StorageErrorCode.ChecksumMismatch);
      expect(await store.head(key)).toBeUndefined();
      expect(await h.leftovers(key)).toBe(0);
    });

    it('puts a large stream in parts and round-trips it with its sha256', async () => {
      const key = `${p}large.bin`;
      const body = randomBytes(20 * MiB);
      const info = await store.put(key, streamOf(body), { contentType: 'application/octet-stream', sha256: sha256(body) });
      expect(info).toEqual({ key, size: body.length, sha256: sha256(body), contentType: 'application/octet-stream' });
      expect(await store.head(key)).toEqual(info);
      if (h.partCount) expect(await h.partCount(key)).toBe(3); // 8 + 8 + 4 MiB
      expect(sha256(await store.get(key))).toBe(sha256(body));
    });

    it('puts a short stream too, recording its sha256', async () => {
      const body = Buffer.from('short stream');
      const info = await store.put(`${p}short`, Readable.from([body.subarray(0, 5), body.subarray(5)]));
      expect(info.sha256).toBe(sha256(body));
      expect((await store.head(`${p}short`))?.sha256).toBe(sha256(body));
      expect(await store.get(`${p}short`)).toEqual(body);
    });

    it('refuses to get an object whose bytes no longer match its sha256', async () => {
      const key = `${p}corrupt`;
      await store.put(key, Buffer.from('pristine bytes'));
      await h.corrupt(key, Buffer.from('tampered bytes'));
      expect(await failure(() => store.get(key))).toBe(StorageErrorCode.ChecksumMismatch);
    });

    it('reports a missing key', async () => {
      expect(await store.head(`${p}missing`)).toBeUndefined();
      expect(await failure(() => store.get(`${p}missing`))).toBe(StorageErrorCode.NotFound);
      expect(await failure(() => store.getStream(`${p}missing`))).toBe(StorageErrorCode.NotFound);
    });

    it('deletes idempotently', async () => {
      await store.put(`${p}del`, Buffer.from('x'));
      await store.delete(`${p}del`);
      expect(await store.head(`${p}del`)).toBeUndefined();
      await store.delete(`${p}del`);
      await store.delete(`${p}never-existed`);
    });

    it('lists a prefix in key order across pages, without metadata', async () => {
      const keys = ['list/a', 'list/b-d', 'list/b/c', 'list/e/f/g', 'list/z'].map((k) => `${p}${k}`);
      // Put out of order; '-' (0x2d) sorts before '/' (0x2f), which a folder walk would get wrong.
      for (const key of [...keys].reverse()) await store.put(key, Buffer.from(key));
      await store.put(`${p}listing-outside`, Buffer.from('not under list/'));
      const listed: { key: string; size: number }[] = [];
      for await (const info of store.list(`${p}list/`)) {
        expect(info.sha256).toBeUndefined();
        listed.push({ key: info.key, size: info.size });
      }
      expect(listed).toEqual(keys.map((key) => ({ key, size: Buffer.byteLength(key) })));
      const partial: string[] = [];
      for await (const { key } of store.list(`${p}list/b`)) partial.push(key);
      expect(partial).toEqual([`${p}list/b-d`, `${p}list/b/c`]);
      for await (const info of store.list(`${p}nothing-here/`)) expect.fail(`unexpected ${info.key}`);
    });

    it('serves presigned PUT and GET URLs', async () => {
      const key = `${p}presigned/odd name ü#?.txt`;
      const body = Buffer.from('uploaded by a client');
      await h.putViaUrl(await store.presignPut(key, { contentType: 'text/plain', expiresIn: 60 }), body, 'text/plain');
      expect(await store.head(key)).toMatchObject({ size: body.length, contentType: 'text/plain' });
      expect(await h.getViaUrl(await store.presignGet(key, 60))).toEqual(body);
      await expect(store.presignGet(key, 8 * 24 * 3600)).rejects.toThrow(RangeError);
    });

    it('rejects invalid keys', async () => {
      for (const key of ['', '/abs', '..', 'a/../b', 'a//b', 'a/./b', 'trailing/', 'nul\0']) {
        expect(await failure(() => store.put(key, Buffer.from('x'))), key).toBe(StorageErrorCode.InvalidKey);
        expect(await failure(() => store.get(key)), key).toBe(StorageErrorCode.InvalidKey);
        expect(await failure(() => store.head(key)), key).toBe(StorageErrorCode.InvalidKey);
        expect(await failure(() => store.delete(key)), key).toBe(StorageErrorCode.InvalidKey);
        expect(await failure(() => store.presignGet(key)), key).toBe(StorageErrorCode.InvalidKey);
        expect(await failure(() => store.uri(key)), key).toBe(StorageErrorCode.InvalidKey);
      }
      expect(await failure(async () => {
        for await (const _ of store.list('../')) expect.fail('listed outside the store');
      })).toBe(StorageErrorCode.InvalidKey);
    });

    it('round-trips uri and keyOf, refusing foreign URIs', async () => {
      for (const key of [`${p}a/b.bin`, `${p}odd name ü#?%.txt`]) expect(store.keyOf(store.uri(key))).toBe(key);
      for (const uri of ['s3://some-other-bucket/a', 'file:///somewhere/else/a', 'https://example.com/a']) {
        expect(await failure(() => store.keyOf(uri)), uri).toBe(StorageErrorCode.ForeignUri);
      }
    });
  });
}
