export enum StorageErrorCode {
  NotFound = 'not_found',
  ChecksumMismatch = 'checksum_mismatch',
  InvalidKey = 'invalid_key',
  ForeignUri = 'foreign_uri',
  BadSignature = 'bad_signature',
}

/** Every storage failure the caller may act on carries a machine-readable code. */
export class StorageException extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageException';
  }
}
