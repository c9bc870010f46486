export * from './devices';
export * from './model-runner';
export * from './model-dir';
