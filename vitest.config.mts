import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
const lib = (name: string) => resolve(root, `libs/${name}/src`);

export default defineConfig({
  resolve: {
    alias: {
      '@surprisal/config': lib('config'),
      '@surprisal/contracts': lib('contracts'),
      '@surprisal/db': lib('db'),
      '@surprisal/storage': lib('storage'),
      '@surprisal/bus': lib('bus'),
      '@surprisal/platform': lib('platform'),
      '@surprisal/auth': lib('auth'),
      '@surprisal/columnar': lib('columnar'),
      '@surprisal/testing': lib('testing'),
      '@surprisal/inference': lib('inference'),
      '@surprisal/surprise': lib('surprise'),
      '@surprisal/video': lib('video'),
    },
  },
  test: {
    include: ['apps/**/*.{spec,test}.ts', 'libs/**/*.{spec,test}.ts'],
    exclude: ['node_modules/**', 'dist/**', 'apps/trainer/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites share one Postgres, one Kafka and one S3 bucket; each suite isolates itself
    // by unique database / topic / key prefix, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
