import { type Readable } from 'node:stream';
import { Controller, ForbiddenException, Get, HttpCode, Inject, NotFoundException, Put, Req, Res } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Public } from '@surprisal/auth';
import { BLOB_STORE, LocalBlobStore, StorageErrorCode, StorageException, type BlobOp, type BlobStore } from '@surprisal/storage';

/**
 * Serves the local store's presigned URLs, so the embedded engine offers the same upload/download
 * flow as S3. The signature in the URL is the credential (as with S3 presigned URLs): no API key.
 */
@ApiTags('blobs')
@ApiExtension('x-auth', 'presigned-url')
@Controller('v1/blobs')
export class BlobsController {
  constructor(@Inject(BLOB_STORE) private readonly store: BlobStore) {}

  @Public()
  @Get('*')
  @ApiOkResponse({ description: 'The object bytes (local storage only; with S3 the presigned URLs point at S3).' })
  @ApiForbiddenResponse({ description: 'Missing, tampered or expired signature.' })
  async download(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { key, local } = this.authorize(req, 'get');
    const info = await local.head(key);
    if (!info) throw new NotFoundException(`No object ${key}`);
    await reply
      .header('content-type', info.contentType ?? 'application/octet-stream')
      .header('content-length', info.size)
      .header('x-amz-meta-sha256', info.sha256 ?? '')
      .send(await local.getStream(key));
  }

  @Public()
  @Put('*')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Stored; the body was written atomically and its sha256 recorded.' })
  @ApiForbiddenResponse({ description: 'Missing, tampered or expired signature, or a content type other than the signed one.' })
  async upload(@Req() req: FastifyRequest): Promise<{ key: string; size: number; sha256: string | undefined }> {
    const { key, local, contentType } = this.authorize(req, 'put');
    const sent = req.headers['content-type'];
    if (contentType !== undefined && sent !== contentType) throw new ForbiddenException(`This URL only accepts Content-Type ${contentType}`);
    const body = req.body as Buffer | Readable | undefined;
    const info = await local.put(key, body ?? Buffer.alloc(0), { contentType: sent });
    return { key: info.key, size: info.size, sha256: info.sha256 };
  }

  private authorize(req: FastifyRequest, op: BlobOp): { key: string; local: LocalBlobStore; contentType: string | undefined } {
    if (!(this.store instanceof LocalBlobStore)) throw new NotFoundException('Blobs are served by the S3 store itself');
    try {
      const grant = this.store.verifySignedUrl(req.url);
      if (grant.op !== op) throw new ForbiddenException(`This URL grants ${grant.op}, not ${op}`);
      return { key: grant.key, local: this.store, contentType: grant.contentType };
    } catch (err) {
      if (err instanceof StorageException && (err.code === StorageErrorCode.BadSignature || err.code === StorageErrorCode.InvalidKey)) {
        throw new ForbiddenException(err.message);
      }
      throw err;
    }
  }
}
