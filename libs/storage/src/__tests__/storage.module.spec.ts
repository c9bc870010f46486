import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@surprisal/config';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOB_STORE, type BlobStore } from '../blob-store';
import { LocalBlobStore } from '../local-blob-store';
import { StorageModule } from '../storage.module';

describe('StorageModule', () => {
  it('provides an initialised store built from ENGINE_CONFIG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'surprisal-module-'));
    try {
      const config = loadConfig({ BLOB_DIR: join(dir, 'blobs') });
      const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), StorageModule] }).compile();
      const store = moduleRef.get<BlobStore>(BLOB_STORE);
      expect(store).toBeInstanceOf(LocalBlobStore);
      expect((await stat(join(dir, 'blobs', 'objects'))).isDirectory()).toBe(true);
      await moduleRef.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
