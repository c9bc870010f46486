export * from './database';
export * from './db.module';
export * from './entities';
export * from './repositories/api-key.repository';
