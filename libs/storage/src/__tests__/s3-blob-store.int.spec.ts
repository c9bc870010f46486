import {
  DeleteBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3TestConfig, uniqueSuffix } from '@surprisal/testing';
import { describe, expect, it, vi } from 'vitest';
import { S3BlobStore } from '../s3-blob-store';
import { describeBlobStoreContract } from './blob-store.contract';

/** The raw client, to reach around the store the way a bug or another writer would. */
function rawClient(): S3Client {
  const c = s3TestConfig();
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: c.forcePathStyle,
    credentials: { accessKeyId: c.accessKeyId ?? '', secretAccessKey: c.secretAccessKey ?? '' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function send(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} presigned URL: ${res.status} ${await res.text()}`);
  return res;
}

describeBlobStoreContract('s3', ({ listPageSize }) => {
  const config = s3TestConfig();
  const raw = rawClient();
  const Bucket = config.bucket;
  const sent = vi.spyOn(S3Client.prototype, 'send');
  return Promise.resolve({
    store: new S3BlobStore(config, { listPageSize }),
    corrupt: async (key, body) => {
      const { Metadata, ContentType } = await raw.send(new HeadObjectCommand({ Bucket, Key: key }));
      await raw.send(new PutObjectCommand({ Bucket, Key: key, Body: body, Metadata, ContentType }));
    },
    leftovers: async (key) => (await raw.send(new ListMultipartUploadsCommand({ Bucket, Prefix: key }))).Uploads?.length ?? 0,
    // Counted as sent: the copy that records the sha256 rewrites the object, and with it the
    // multipart ETag ("<md5>-<parts>") that would otherwise tell.
    partCount: (key) => Promise.resolve(sent.mock.calls.filter(([cmd]) => cmd instanceof UploadPartCommand && cmd.input.Key === key).length),
    putViaUrl: async (url, body, contentType) => {
      await send(url, { method: 'PUT', body, headers: { 'content-type': contentType } });
    },
    getViaUrl: async (url) => Buffer.from(await (await send(url)).arrayBuffer()),
    dispose: () => Promise.resolve(raw.destroy()),
  });
});

describe('S3BlobStore.init', () => {
  it('creates a missing bucket', async () => {
    const Bucket = `surprisal-init-${uniqueSuffix()}`;
    const raw = rawClient();
    await new S3BlobStore({ ...s3TestConfig(), bucket: Bucket }).init();
    try {
      await expect(raw.send(new HeadBucketCommand({ Bucket }))).resolves.toBeDefined();
    } finally {
      await raw.send(new DeleteBucketCommand({ Bucket }));
      raw.destroy();
    }
  });
});
