import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { Database } from './database';

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/** Opens the database once per process (migrating it) and provides it with its repositories. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [ENGINE_CONFIG],
      useFactory: (config: EngineConfig) => Database.create(config.db).open(),
    },
    DatabaseCloser,
    ApiKeyRepository,
  ],
  exports: [Database, ApiKeyRepository],
})
export class DbModule {}
