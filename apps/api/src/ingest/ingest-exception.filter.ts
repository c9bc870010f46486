import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { IngestException, toHttpException } from '../../../ingest/src/ingest.exception';

/** Turns an IngestException into its HTTP status with `{ statusCode, error: <code>, message, pointer? }`. */
@Catch(IngestException)
export class IngestExceptionFilter implements ExceptionFilter {
  catch(exception: IngestException, host: ArgumentsHost): void {
    const http = toHttpException(exception);
    void host.switchToHttp().getResponse<FastifyReply>().status(http.getStatus()).send(http.getResponse());
  }
}
