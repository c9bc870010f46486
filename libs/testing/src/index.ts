export * from './services';
export * from './s3';
export * from './kafka';
export * from './postgres';
export * from './seed';
export * from './test-app';
export * from './process';
