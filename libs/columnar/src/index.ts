export * from './action-samples.codec';
export * from './action-samples.packed';
