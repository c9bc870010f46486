import { BadRequestException, NotFoundException, PayloadTooLargeException, UnprocessableEntityException, type HttpException } from '@nestjs/common';
import { type DeadLetterReason } from '@surprisal/bus';

/** Why ingest rejected something. The values are the machine-readable reasons of fleet.dlq.v1 and of HTTP 4xx bodies. */
export enum IngestErrorCode {
  InvalidJson = 'invalid_json',
  SchemaViolation = 'schema_violation',
  NonFiniteValue = 'non_finite_value',
  TimestampOutOfRange = 'timestamp_out_of_range',
  NonMonotonicTime = 'non_monotonic_time',
  InvalidTimeRange = 'invalid_time_range',
  TooManySamples = 'too_many_samples',
  PayloadTooLarge = 'payload_too_large',
  UnknownClipObject = 'unknown_clip_object',
  ChecksumMismatch = 'checksum_mismatch',
  UndecodableVideo = 'undecodable_video',
  UnknownDrive = 'unknown_drive',
  UnknownVehicle = 'unknown_vehicle',
  /** A message no specific check explains (a validator fault on hostile input); never blocks the partition. */
  InvalidMessage = 'invalid_message',
}

/** One rejected input: a code, a human detail, and (when one field is at fault) a JSON Pointer to it. */
export class IngestException extends Error {
  constructor(
    readonly code: IngestErrorCode,
    readonly detail: string,
    readonly pointer?: string,
  ) {
    super(`${code}: ${detail}${pointer === undefined ? '' : ` (at ${pointer === '' ? '/' : pointer})`}`);
    this.name = 'IngestException';
  }
}

/** Kafka transport: the fleet.dlq.v1 reason of a rejected message. */
export function toDeadLetterReason(err: IngestException): DeadLetterReason {
  return { code: err.code, detail: err.detail, ...(err.pointer === undefined ? {} : { pointer: err.pointer }) };
}

/** HTTP transport: the status of each code (exhaustive: a new code fails to compile until it is mapped). */
export function toHttpException(err: IngestException): HttpException {
  const body = { statusCode: 0, error: err.code, message: err.detail, ...(err.pointer === undefined ? {} : { pointer: err.pointer }) };
  switch (err.code) {
    case IngestErrorCode.InvalidJson:
    case IngestErrorCode.SchemaViolation:
    case IngestErrorCode.NonFiniteValue:
    case IngestErrorCode.TimestampOutOfRange:
    case IngestErrorCode.NonMonotonicTime:
    case IngestErrorCode.InvalidTimeRange:
    case IngestErrorCode.InvalidMessage:
      return new BadRequestException({ ...body, statusCode: 400 });
    case IngestErrorCode.TooManySamples:
    case IngestErrorCode.PayloadTooLarge:
      return new PayloadTooLargeException({ ...body, statusCode: 413 });
    case IngestErrorCode.UnknownClipObject:
    case IngestErrorCode.ChecksumMismatch:
    case IngestErrorCode.UndecodableVideo:
      return new UnprocessableEntityException({ ...body, statusCode: 422 });
    case IngestErrorCode.UnknownDrive:
    case IngestErrorCode.UnknownVehicle:
      return new NotFoundException({ ...body, statusCode: 404 });
  }
}
