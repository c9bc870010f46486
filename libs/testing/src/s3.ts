import { loadConfig, type StorageConfig } from '@surprisal/config';
import { requireServiceEnv } from './services';

/** The S3 settings of the real test server (from .env.services), read as the engine reads them; throws when they are missing. */
export function s3TestConfig(): Extract<StorageConfig, { kind: 's3' }> {
  const { storage } = loadConfig({
    S3_ENDPOINT: requireServiceEnv('S3_ENDPOINT'),
    S3_BUCKET: requireServiceEnv('S3_BUCKET'),
    S3_ACCESS_KEY_ID: requireServiceEnv('S3_ACCESS_KEY_ID'),
    S3_SECRET_ACCESS_KEY: requireServiceEnv('S3_SECRET_ACCESS_KEY'),
    ...(process.env.S3_REGION ? { S3_REGION: process.env.S3_REGION } : {}),
    ...(process.env.S3_FORCE_PATH_STYLE ? { S3_FORCE_PATH_STYLE: process.env.S3_FORCE_PATH_STYLE } : {}),
  });
  if (storage.kind !== 's3') throw new Error('S3_ENDPOINT is set but the storage settings are not S3');
  return storage;
}
