export * from './api-key.guard';
export * from './auth.decorators';
export * from './auth.module';
