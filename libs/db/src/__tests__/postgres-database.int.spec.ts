import { createTestDatabase, type TestDatabase } from '@surprisal/testing';
import { Database } from '../database';
import { describeDatabaseContract } from './database.contract';

let testDb: TestDatabase;

describeDatabaseContract(
  'PostgreSQL',
  async () => {
    testDb = await createTestDatabase();
    return Database.create({ kind: 'postgres', url: testDb.url }).open();
  },
  async (db) => {
    await db.close();
    await testDb.drop();
  },
);
