/**
 * Integration suites run against the real servers started by `npm run services:up`
 * (their settings come from .env.services, loaded by the test script). A missing setting is a
 * failure, never a silent skip: an integration test that did not run must not look green.
 */
export function requireServiceEnv(name: 'DATABASE_URL' | 'KAFKA_BROKERS' | 'S3_ENDPOINT' | 'S3_BUCKET' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: integration tests need the real services. Run them through \`npm test\` (which starts them), or \`npm run services:up && set -a && . ./.env.services\`.`);
  }
  return value;
}

/** A short unique suffix so suites sharing one server never see each other's topics, keys or databases. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The settings that point an engine (spawned or in-process) at the real servers, with `databaseUrl` as its database. */
export function realServicesEnv(databaseUrl = requireServiceEnv('DATABASE_URL')): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: requireServiceEnv('KAFKA_BROKERS'),
    S3_ENDPOINT: requireServiceEnv('S3_ENDPOINT'),
    S3_BUCKET: requireServiceEnv('S3_BUCKET'),
    S3_ACCESS_KEY_ID: requireServiceEnv('S3_ACCESS_KEY_ID'),
    S3_SECRET_ACCESS_KEY: requireServiceEnv('S3_SECRET_ACCESS_KEY'),
    S3_FORCE_PATH_STYLE: 'true',
    LOG_LEVEL: 'warn',
  };
}
