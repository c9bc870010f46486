import { Client } from 'pg';
import { requireServiceEnv, uniqueSuffix } from './services';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: requireServiceEnv('DATABASE_URL') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the real server, so a suite migrates from nothing and sees only its own rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `surprisal_test_${uniqueSuffix()}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(requireServiceEnv('DATABASE_URL'));
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
