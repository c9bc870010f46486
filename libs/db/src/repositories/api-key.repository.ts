import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database';
import { ApiKeyEntity, type ApiRole } from '../entities';

const KEY_PREFIX = 'sk_';

/** Keys are stored as sha256 only: a leaked table cannot be replayed. Keys are 256-bit random, so a fast hash suffices. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiRole;
  /** The only time the plain key exists outside its owner's hands. */
  key: string;
}

/** How long a looked-up key is trusted without asking the database again (revocation reaches other processes within this). */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;

@Injectable()
export class ApiKeyRepository {
  /** Every request presents a key: a short cache keeps that from costing a query each time. */
  private readonly cache = new Map<string, { key: ApiKeyEntity | undefined; until: number }>();

  constructor(@Inject(Database) private readonly db: Database) {}

  async create(name: string, role: ApiRole): Promise<CreatedApiKey> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.db.repository(ApiKeyEntity).save({ name, role, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) });
    return { id: saved.id, name, role, key };
  }

  /** Registers a key given from outside (SURPRISAL_ADMIN_KEY); idempotent across restarts. */
  async ensure(key: string, name: string, role: ApiRole): Promise<void> {
    await this.db.query(
      `INSERT INTO api_keys (name, role, key_hash, key_prefix) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT uq_api_keys_key_hash DO NOTHING`,
      [name, role, hashApiKey(key), key.slice(0, 10)],
    );
  }

  /** The active key matching a presented secret, or undefined. */
  async findActive(key: string): Promise<ApiKeyEntity | undefined> {
    const hash = hashApiKey(key);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.key;
    const found = await this.db.repository(ApiKeyEntity).findOneBy({ keyHash: hash });
    const active = found && !found.revokedAt ? found : undefined;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { key: active, until: Date.now() + CACHE_TTL_MS });
    return active;
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.db.repository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db.query<{ id: string }>(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [id]);
    // This process stops honouring the key at once; others within CACHE_TTL_MS.
    for (const [hash, entry] of this.cache) if (entry.key?.id === id) this.cache.delete(hash);
    return result.length > 0;
  }
}
