import { ConflictException, NotFoundException, type HttpException } from '@nestjs/common';

export enum AnnotationErrorCode {
  TaskNotFound = 'task_not_found',
  LeaseNotHeld = 'lease_not_held',
  AlreadyReviewed = 'already_reviewed',
  NotSubmitted = 'not_submitted',
}

/** The annotation context's failures; `toHttp` is the one mapping to the transport. */
export class AnnotationException extends Error {
  constructor(
    readonly code: AnnotationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AnnotationException';
  }

  /** The same body as the ingest routes' errors: `{ statusCode, error: <code>, message }`. */
  toHttp(): HttpException {
    const body = { error: this.code, message: this.message };
    switch (this.code) {
      case AnnotationErrorCode.TaskNotFound:
        return new NotFoundException({ statusCode: 404, ...body });
      case AnnotationErrorCode.LeaseNotHeld:
      case AnnotationErrorCode.AlreadyReviewed:
      case AnnotationErrorCode.NotSubmitted:
        return new ConflictException({ statusCode: 409, ...body });
    }
  }
}
