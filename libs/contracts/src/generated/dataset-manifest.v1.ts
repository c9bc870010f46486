/* Generated from schemas/dataset-manifest.v1.schema.json by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */

/**
 * file:///absolute/path, a path relative to the manifest, or s3://bucket/key (s3 is not read by the trainer yet: stage locally).
 */
export type DatasetUri = string;

/**
 * What a training job trains on: items (segments of drives) with their action log and camera clips, a weight and a split. A drive is in one split only, so validation measures held-out drives. Relative URIs resolve against the manifest's own folder. The trainer copies the manifest it used into the model artifact folder (manifest.json).
 */
export interface DatasetManifestV1 {
  version: 1;
  name?: string;
  /**
   * What produced the manifest (a retraining job id, the simulator, ...).
   */
  source?: string;
  createdAt?: string;
  /**
   * @minItems 1
   */
  items: DatasetManifestItem[];
}
export interface DatasetManifestItem {
  /**
   * Unique within the manifest (e.g. the segment id); default driveId#index.
   */
  id?: string;
  vehicleId: string;
  driveId: string;
  segmentId?: string;
  split: 'train' | 'validation';
  /**
   * Multiplies this item's windows in the training losses (annotation labels may raise or lower it; 0 excludes it). Never a training target.
   */
  weight?: number;
  /**
   * Parquet with the columns of schemas/action-samples.parquet.json (nulls = signal absent); a URI as in DatasetUri.
   */
  actionsUri: string;
  /**
   * H.264 MP4 clips covering (parts of) the item; none for a vehicle without a camera. A missing or undecodable clip is skipped with a warning.
   */
  clips?: DatasetManifestClip[];
}
export interface DatasetManifestClip {
  uri: DatasetUri;
  camera?: string;
  /**
   * epoch ms of the first frame
   */
  startT: number;
  /**
   * epoch ms after the last frame (> startT)
   */
  endT: number;
  fps: number;
}
