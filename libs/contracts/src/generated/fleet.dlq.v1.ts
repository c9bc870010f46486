/* Generated from schemas/fleet.dlq.v1.schema.json by scripts/generate-contracts.mjs. Do not edit: change the schema and regenerate. */

/**
 * A message a consumer rejected, published by libs/bus deadLetter() under the original key. Header x-dlq-reason repeats `reason`.
 */
export interface FleetDlqV1 {
  /**
   * Machine-readable code of the rejecting context's exception.
   */
  reason: string;
  /**
   * Human-readable explanation.
   */
  detail: string;
  /**
   * JSON Pointer to the offending field of the original value.
   */
  pointer?: string;
  /**
   * Where the original message was read.
   */
  source: {
    topic: string;
    partition: number;
    /**
     * Decimal string: Kafka offsets exceed 2^53.
     */
    offset: string;
    key: string | null;
    /**
     * Epoch milliseconds of the original message.
     */
    timestamp: number;
  };
  /**
   * The group whose handler rejected the message.
   */
  consumerGroup: string;
  /**
   * The original value's bytes, base64 (standard alphabet, padded).
   */
  originalBase64: string;
  rejectedAt: string;
}
