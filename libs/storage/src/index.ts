export * from './blob-store';
export { createBlobStore } from './blob-store.factory';
export { BLOB_ROUTE_PREFIX, type BlobGrant, type BlobOp } from './blob-url-signer';
export { LocalBlobStore, type LocalBlobStoreOptions } from './local-blob-store';
export { S3BlobStore, type S3BlobStoreOptions, type S3StorageConfig } from './s3-blob-store';
export * from './storage.exception';
export { StorageModule } from './storage.module';
export { HashingReader, sha256Hex } from './storage.util';
