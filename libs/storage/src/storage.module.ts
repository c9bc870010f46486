import { Global, Module } from '@nestjs/common';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { BLOB_STORE, type BlobStore } from './blob-store';
import { createBlobStore } from './blob-store.factory';

/**
 * Provides BLOB_STORE, built from ENGINE_CONFIG.storage. The factory awaits init() (bucket or
 * folder created), so nothing can inject a store that is not ready yet, and boot fails fast
 * when the storage is unreachable.
 */
@Global()
@Module({
  providers: [
    {
      provide: BLOB_STORE,
      inject: [ENGINE_CONFIG],
      useFactory: async (config: EngineConfig): Promise<BlobStore> => {
        const store = createBlobStore(config);
        await store.init();
        return store;
      },
    },
  ],
  exports: [BLOB_STORE],
})
export class StorageModule {}
