/* Generated from schemas/engine.edge-cases.v1.schema.json by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */

/**
 * An edge case the miner created (Kafka key: vehicleId).
 */
export interface EngineEdgeCasesV1 {
  edgeCaseId: string;
  /**
   * The vehicle's stable id.
   */
  vehicleId: string;
  /**
   * The drive.
   */
  driveId: string;
  segmentId: string;
  modelVersion: string;
  /**
   * Epoch milliseconds (UTC).
   */
  startT: number;
  /**
   * Epoch milliseconds (UTC).
   */
  endT: number;
  /**
   * Calibrated surprise.
   */
  score: number;
  pValue?: number;
  /**
   * annotation: the model is unsure (label and retrain); safety: the driver did something rare or risky.
   */
  queue: 'annotation' | 'safety';
  reasonKinds: string[];
  createdAt: string;
}
