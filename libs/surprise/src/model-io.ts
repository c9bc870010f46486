import contract from '../../../schemas/model-io.v1.json';

/**
 * The model I/O contract (schemas/model-io.v1.json): grid timing, channels, normalisation, ONNX files.
 * The type is derived from the file itself, never written twice; a model directory's own copy
 * (model-io.json) is read with the same type and checked against it by libs/inference.
 */
export type ModelIo = typeof contract;
export const MODEL_IO: ModelIo = contract;

/** The action channels the models predict, in tensor order. */
export type ActionChannel = 'speed' | 'steering' | 'accel' | 'yawRate';

/** Grid step in ms (100 at 10 Hz). */
export function stepMs(io: ModelIo): number {
  return 1000 / io.sampleRateHz;
}
