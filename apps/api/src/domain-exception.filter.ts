import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { IngestException, toHttpException } from '../../ingest/src/ingest.exception';
import { AnnotationException } from './annotation/annotation.exception';

/**
 * The API's answer to a context's own exceptions: each context maps its codes to an HTTP status with the
 * body `{ statusCode, error: <code>, message, pointer? }` (ingest's toHttpException, AnnotationException.toHttp).
 */
@Catch(IngestException, AnnotationException)
export class DomainExceptionFilter implements ExceptionFilter {
  catch(exception: IngestException | AnnotationException, host: ArgumentsHost): void {
    const http = exception instanceof IngestException ? toHttpException(exception) : exception.toHttp();
    void host.switchToHttp().getResponse<FastifyReply>().status(http.getStatus()).send(http.getResponse());
  }
}
