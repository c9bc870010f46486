import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, QueryFailedError, type EntityManager, type EntityTarget, type ObjectLiteral, type QueryRunner, type Repository } from 'typeorm';
import { DEFAULT_POOL_SIZE, type DbConfig } from '@surprisal/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { pglitePgModule } from './pglite-pool';

const MIGRATION_LOCK = 727_001; // pg_advisory_lock key: one migrator at a time across processes

/** Hides the password of a connection URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<malformed url>';
  }
}

/** What Database.query needs of node-postgres' pool (TypeORM's PostgresDriver.master). */
interface PgPool {
  query(config: { text: string; values: unknown[]; name: string }): Promise<{ rows: unknown[] }>;
}

export interface QueryOptions {
  /**
   * Keep the statement prepared on each connection (PostgreSQL only), so a hot query is parsed and
   * planned once per connection, not per call. Only for statements whose text comes from a small
   * fixed set (each distinct text stays prepared for the connection's life); values always vary freely.
   */
  prepare?: boolean;
}

/** Raw SQL inside a transaction (rows for every command, as Database.query). */
export interface SqlTx {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** Errors worth waiting out: the server is (re)starting or briefly unreachable. */
function isTransientConnectError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', '57P03', '53300'].includes(code) || /timeout/i.test((err as Error).message);
}

/** Rows for every command: TypeORM's plain query() returns [rows, count] for UPDATE, its structured result does not. */
async function rowsOf<T>(runner: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  return (await runner.query(sql, params, true)).records as T[];
}

/**
 * The one gateway to the relational store: TypeORM on PostgreSQL (`pg`) or on embedded PGlite.
 * Both run the same migrations and the same queries; only the connection differs.
 */
export class Database {
  private readonly logger = new Logger('Database');

  private constructor(
    readonly config: DbConfig,
    private readonly dataSource: DataSource,
  ) {}

  static create(config: DbConfig): Database {
    const common = {
      type: 'postgres' as const,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      synchronize: false,
      migrationsRun: false,
      // Extensions are created by migrations, which a reviewer can read; never implicitly.
      installExtensions: false,
      // Failed queries surface as errors to the caller; logging them here would also print their parameters.
      logging: false,
    };
    const dataSource =
      config.kind === 'postgres'
        ? new DataSource({
            ...common,
            url: config.url,
            poolSize: config.poolSize ?? DEFAULT_POOL_SIZE,
            connectTimeoutMS: 5000,
            applicationName: 'surprisal',
            // Sessions in UTC, as PGlite's are: days in stats and timestamps rendered by SQL do not depend on the server's zone.
            extra: { options: '-c TimeZone=UTC' },
          })
        : new DataSource({ ...common, driver: pglitePgModule(config.dir || undefined) });
    return new Database(config, dataSource);
  }

  get description(): string {
    return this.config.kind === 'postgres' ? `PostgreSQL at ${redactUrl(this.config.url)}` : `embedded PGlite in ${this.config.dir || 'memory'}`;
  }

  /** Connects, retrying while the server is unreachable (it may be starting or restarting), then migrates. */
  async open(options: { timeoutMs?: number } = {}): Promise<this> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.initialize();
        break;
      } catch (err) {
        if (this.config.kind === 'pglite' || !isTransientConnectError(err)) throw err;
        if (Date.now() > deadline) {
          throw new Error(`Cannot connect to ${this.description} after ${attempt} attempts: ${(err as Error).message}`);
        }
        this.logger.warn(`Waiting for ${this.description} (attempt ${attempt}): ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5000)));
      }
    }
    await this.migrate();
    return this;
  }

  /** Runs pending migrations, each in its own transaction, under a lock so concurrent starters don't race. */
  async migrate(): Promise<string[]> {
    const run = async () => (await this.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    if (this.config.kind === 'pglite') return run();
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await run();
      if (applied.length > 0) this.logger.log(`Applied migrations: ${applied.join(', ')}`);
      return applied;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lock.release();
    }
  }

  get isOpen(): boolean {
    return this.dataSource.isInitialized;
  }

  repository<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.dataSource.getRepository(entity);
  }

  /** Raw SQL with positional parameters ($1, $2…); the same text runs on both backends. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<T[]> {
    if (options.prepare && this.config.kind === 'postgres') return this.prepared<T>(sql, params);
    const runner = this.dataSource.createQueryRunner();
    try {
      return await rowsOf<T>(runner, sql, params);
    } finally {
      await runner.release();
    }
  }

  /** Straight to the pool by name (TypeORM's query runner cannot name a statement); errors as TypeORM raises them. */
  private async prepared<T>(sql: string, params: unknown[]): Promise<T[]> {
    // Named by a digest of the text, so one name never meets two texts.
    const name = `s_${createHash('sha1').update(sql).digest('hex')}`;
    const pool = (this.dataSource.driver as unknown as { master: PgPool }).master;
    try {
      return (await pool.query({ text: sql, values: params, name })).rows as T[];
    } catch (err) {
      throw new QueryFailedError(sql, params, err as Error);
    }
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Raw SQL in one transaction: committed when `work` resolves, rolled back when it throws. */
  sqlTransaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work({ query: <R>(sql: string, params: unknown[] = []) => rowsOf<R>(manager.queryRunner!, sql, params) }));
  }

  /** A cheap round trip, for health checks. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
