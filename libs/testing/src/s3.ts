import { type StorageConfig } from '@surprisal/config';
import { requireServiceEnv } from './services';

/** The S3 settings of the real test server (from .env.services); throws when they are missing. */
export function s3TestConfig(): Extract<StorageConfig, { kind: 's3' }> {
  return {
    kind: 's3',
    endpoint: requireServiceEnv('S3_ENDPOINT'),
    bucket: requireServiceEnv('S3_BUCKET'),
    region: process.env.S3_REGION ?? 'us-east-1',
    accessKeyId: requireServiceEnv('S3_ACCESS_KEY_ID'),
    secretAccessKey: requireServiceEnv('S3_SECRET_ACCESS_KEY'),
    forcePathStyle: process.env.S3_FORCE_PATH_STYLE !== 'false',
  };
}
