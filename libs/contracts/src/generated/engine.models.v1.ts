/* Generated from schemas/engine.models.v1.schema.json by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */

/**
 * A model registry event; on promoted (or rolled_back), scorers load the named version between batches (Kafka key: null, one partition).
 */
export interface EngineModelsV1 {
  event: 'registered' | 'promoted' | 'rolled_back';
  modelVersionId: string;
  version: string;
  artifactUri: string;
  at: string;
}
