import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types, type Results } from '@electric-sql/pglite';

type QueryCallback = (err: Error | null, result?: PgResult) => void;
type Release = () => void;
interface PgResult {
  rows: unknown[];
  rowCount: number;
  command: string | undefined;
  fields: { name: string; dataTypeID: number }[];
}

/**
 * A `pg`-compatible module backed by one embedded PGlite database, for TypeORM's postgres driver.
 *
 * PGlite is a single session, so this pool hands its one client to one borrower at a time: a
 * transaction holds it exclusively until released, exactly as a pool of size 1 would. (A shared
 * session without this would interleave two transactions' statements.) Results are shaped like
 * `pg`'s — int8 and numeric as strings, bytea as Buffer, `rowCount` and `command` set — so the
 * same domain code behaves the same on both backends.
 */
export function pglitePgModule(dataDir: string | undefined): { Pool: new () => EventEmitter } {
  let db: Promise<PGlite> | undefined;
  const open = (): Promise<PGlite> => {
    if (dataDir && !db) {
      mkdirSync(dataDir, { recursive: true });
      lockDataDir(dataDir);
    }
    // The contrib extension ships as an ES module only in its typings; load it lazily.
    db ??= import('@electric-sql/pglite/contrib/cube').then(({ cube }) =>
      PGlite.create({
      dataDir,
      extensions: { cube },
      parsers: {
        [types.INT8]: (v: string) => v,
        [types.NUMERIC]: (v: string) => v,
        [types.BYTEA]: (v: string) => Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex'),
      },
    }),
    );
    return db;
  };

  const toPg = (r: Results<unknown>): PgResult => ({
    rows: r.rows,
    rowCount: r.affectedRows || r.rows.length,
    command: r.command,
    fields: r.fields,
  });

  class Client extends EventEmitter {
    constructor(private readonly pglite: PGlite) {
      super();
    }
    /** Both `pg` call styles: callback (the pool's health check) and promise (TypeORM's query runner). */
    query(sql: string, paramsOrCb?: unknown[] | QueryCallback, maybeCb?: QueryCallback): Promise<PgResult> | undefined {
      const params = Array.isArray(paramsOrCb) ? paramsOrCb : undefined;
      const cb = typeof paramsOrCb === 'function' ? paramsOrCb : maybeCb;
      // Without parameters the text may hold several statements (migrations); pg returns the last result.
      const run =
        params && params.length > 0
          ? this.pglite.query(sql, params).then(toPg)
          : this.pglite.exec(sql).then((all) => toPg(all[all.length - 1] ?? { rows: [], fields: [] }));
      if (!cb) return run;
      run.then(
        (result) => cb(null, result),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
      return undefined;
    }
  }

  class Pool extends EventEmitter {
    private queue: Promise<void> = Promise.resolve();

    connect(cb: (err: Error | null, client?: Client, release?: Release) => void): void {
      // Chain borrowers: each waits for the previous one's release.
      let release!: Release;
      const turn = new Promise<void>((r) => (release = r));
      const previous = this.queue;
      this.queue = previous.then(() => turn);
      previous
        .then(open)
        .then(
          (pglite) => cb(null, new Client(pglite), once(release)),
          (err: unknown) => {
            release();
            cb(err instanceof Error ? err : new Error(String(err)));
          },
        );
    }

    end(cb?: (err?: Error | null) => void): void {
      const closing = db;
      db = undefined;
      this.queue
        .then(() => closing?.then((p) => p.close()))
        .then(() => (closing && dataDir ? unlockDataDir(dataDir) : undefined))
        .then(
          () => cb?.(null),
          (err: unknown) => cb?.(err instanceof Error ? err : new Error(String(err))),
        );
    }
  }

  return { Pool };
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (!called) {
      called = true;
      fn();
    }
  };
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A lock file holding the owner's pid refuses that with a clear message (a dead owner's lock is taken over).
 */
function lockDataDir(dir: string): void {
  const file = join(dir, 'surprisal.lock');
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(readFileSync(file, 'utf8'));
    if (isAlive(owner)) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${owner} (a running engine?). Stop it first, or use the engine's API instead.`,
      );
    }
    rmSync(file, { force: true });
  }
}

function unlockDataDir(dir: string): void {
  rmSync(join(dir, 'surprisal.lock'), { force: true });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
