export * from './action-samples.codec';
