import { Client } from 'pg';
import { requireServiceEnv, uniqueSuffix } from '@surprisal/testing';
import { Database } from '../database';
import { describeDatabaseContract } from './database.contract';

/** Each run migrates a throwaway database on the real server, so it starts from nothing. */
const adminUrl = () => requireServiceEnv('DATABASE_URL');
const dbName = `surprisal_test_${uniqueSuffix()}`;

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describeDatabaseContract(
  'PostgreSQL',
  async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    const url = new URL(adminUrl());
    url.pathname = `/${dbName}`;
    return Database.create({ kind: 'postgres', url: url.toString() }).open();
  },
  async (db) => {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${dbName}`);
  },
);
