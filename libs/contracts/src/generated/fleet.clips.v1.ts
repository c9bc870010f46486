/* Generated from schemas/fleet.clips.v1.schema.json by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */

/**
 * A camera clip already uploaded to object storage (Kafka key: vehicleId). (vehicleId, clipId) identifies it. Fields may grow; consumers ignore fields they do not know.
 */
export interface FleetClipsV1 {
  /**
   * The vehicle's stable id.
   */
  vehicleId: string;
  /**
   * The drive the clip belongs to.
   */
  driveId: string;
  /**
   * The clip's id, unique for the vehicle.
   */
  clipId: string;
  /**
   * Which camera, e.g. front.
   */
  camera: string;
  /**
   * Where the clip is: s3://bucket/key, or file:///path for the embedded engine.
   */
  uri: string;
  /**
   * Epoch milliseconds (UTC).
   */
  startT: number;
  /**
   * Epoch milliseconds (UTC).
   */
  endT: number;
  /**
   * Frames per second.
   */
  fps: number;
  /**
   * Hex SHA-256 of the clip file.
   */
  sha256: string;
}
