/* Generated from schemas/engine.segments.v1.schema.json by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */

/**
 * A complete (or re-completed, version > 1) fixed-length segment of a drive, ready to score (Kafka key: vehicleId).
 */
export interface EngineSegmentsV1 {
  segmentId: string;
  /**
   * The vehicle's stable id.
   */
  vehicleId: string;
  /**
   * The drive.
   */
  driveId: string;
  segmentIndex: number;
  /**
   * Epoch milliseconds (UTC).
   */
  startT: number;
  /**
   * Epoch milliseconds (UTC).
   */
  endT: number;
  sampleCount: number;
  /**
   * Which signals the segment's samples carry.
   */
  signals: string[];
  /**
   * The segment's columnar samples in object storage.
   */
  uri: string;
  sha256: string;
  /**
   * Increases when late data re-completes the segment.
   */
  version: number;
  /**
   * Ready clips overlapping the segment (empty: score from actions only).
   */
  clips: SegmentClip[];
}
export interface SegmentClip {
  clipId: string;
  camera: string;
  uri: string;
  /**
   * Epoch milliseconds (UTC).
   */
  startT: number;
  /**
   * Epoch milliseconds (UTC).
   */
  endT: number;
  fps: number;
}
