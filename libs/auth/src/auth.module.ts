import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { ApiKeyRepository } from '@surprisal/db';
import { ApiKeyGuard } from './api-key.guard';

/** Installs the key guard on every route and registers the first admin key from SURPRISAL_ADMIN_KEY. */
@Module({ providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }] })
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminKey) {
      await this.keys.ensure(this.config.adminKey, 'SURPRISAL_ADMIN_KEY', 'admin');
      this.logger.log('Admin key from SURPRISAL_ADMIN_KEY is registered');
      return;
    }
    // A newcomer's embedded engine gets a first admin key in a private file: never in a log.
    if (this.config.db.kind === 'pglite' && (await this.keys.list()).length === 0) {
      const created = await this.keys.create('first-admin', 'admin');
      const file = join(this.config.dataDir, 'admin.key');
      mkdirSync(this.config.dataDir, { recursive: true });
      writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
      this.logger.log(`No API key existed: created a first admin key in ${file}. Try: curl -H "Authorization: Bearer $(cat ${file})" ${this.config.publicUrl}/v1/whoami`);
    }
  }
}
