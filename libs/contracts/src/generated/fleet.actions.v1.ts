/* Generated from schemas/fleet.actions.v1.schema.json by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */

/**
 * A batch of action samples from one vehicle (Kafka key: vehicleId). (vehicleId, driveId, seq) identifies the batch: a batch delivered twice is stored once. Only t and speed are required: a signal a vehicle does not have is absent, never zero. Fields may grow; consumers ignore fields they do not know.
 */
export interface FleetActionsV1 {
  /**
   * The vehicle's stable id.
   */
  vehicleId: string;
  /**
   * One drive (ignition on to off) of the vehicle; unique across the fleet.
   */
  driveId: string;
  /**
   * Position of this batch within the drive, from 0; the idempotency key with vehicleId and driveId.
   */
  seq: number;
  /**
   * Samples in time order.
   *
   * @minItems 1
   * @maxItems 10000
   */
  samples: ActionSample[];
}
export interface ActionSample {
  /**
   * Epoch milliseconds (UTC).
   */
  t: number;
  /**
   * Vehicle speed over ground, m/s.
   */
  speed: number;
  /**
   * Steering-wheel angle, degrees, positive = left (counter-clockwise).
   */
  steering?: number;
  /**
   * Longitudinal acceleration, m/s², positive = forward.
   */
  accel?: number;
  /**
   * Brake pedal, 0 (released) to 1 (fully pressed).
   */
  brake?: number;
  /**
   * Accelerator pedal, 0 (released) to 1 (fully pressed).
   */
  gas?: number;
  /**
   * Yaw rate, rad/s, positive = turning left (counter-clockwise seen from above).
   */
  yawRate?: number;
  /**
   * -1 right, 0 off, 1 left.
   */
  turnSignal?: -1 | 0 | 1;
  /**
   * WGS84 latitude, degrees.
   */
  lat?: number;
  /**
   * WGS84 longitude, degrees.
   */
  lon?: number;
}
