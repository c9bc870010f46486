import { type EngineConfig } from '@surprisal/config';
import { type BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

/** Builds the configured store, outside Nest too (CLI, tests). The caller still calls init(). */
export function createBlobStore(config: Pick<EngineConfig, 'storage' | 'publicUrl' | 'signingSecret'>): BlobStore {
  const { storage } = config;
  switch (storage.kind) {
    case 's3':
      return new S3BlobStore(storage);
    case 'local':
      return new LocalBlobStore(storage.dir, { publicUrl: config.publicUrl, signingSecret: config.signingSecret });
  }
}
