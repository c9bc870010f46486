export * from './services';
export * from './s3';
export * from './kafka';
