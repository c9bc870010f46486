import { Catch, ConflictException, NotFoundException, type ArgumentsHost, type ExceptionFilter, type HttpException } from '@nestjs/common';
import { type FastifyReply } from 'fastify';

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

/** Every route of the annotation controller answers an AnnotationException with its HTTP status. */
@Catch(AnnotationException)
export class AnnotationExceptionFilter implements ExceptionFilter {
  catch(exception: AnnotationException, host: ArgumentsHost): void {
    const http = exception.toHttp();
    void host.switchToHttp().getResponse<FastifyReply>().status(http.getStatus()).send(http.getResponse());
  }
}
