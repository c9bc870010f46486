import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../database';
import { VehicleEntity } from '../entities';
import { describeDatabaseContract } from './database.contract';

describeDatabaseContract('embedded PGlite', () => Database.create({ kind: 'pglite', dir: '' }).open(), (db) => db.close());

describe('embedded PGlite on disk', () => {
  it('keeps its data across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'surprisal-pglite-'));
    try {
      const first = await Database.create({ kind: 'pglite', dir }).open();
      await first.repository(VehicleEntity).save({ id: 'persisted' });
      await first.close();
      const second = await Database.create({ kind: 'pglite', dir }).open();
      // A second opener of the same folder (another process, or a CLI beside a running engine) is refused.
      await expect(Database.create({ kind: 'pglite', dir }).open()).rejects.toThrow(/is in use by process/);
      expect(await second.repository(VehicleEntity).findOneBy({ id: 'persisted' })).not.toBeNull();
      expect(await second.migrate()).toEqual([]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
