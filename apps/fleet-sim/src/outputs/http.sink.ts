import { CONTRACTS, type FleetActionsV1, type FleetClipsV1 } from '@surprisal/contracts';
import { sha256Hex } from '@surprisal/storage';
import { assertValid } from './dir.sink';
import { type ClipMeta, type FleetSink } from './sink';

/**
 * Sends fleet data through the engine's HTTP ingest, for fleets without Kafka:
 * `POST /v1/ingest/actions` (one batch per request, 202), and for a clip
 * `POST /v1/ingest/clips/uploads` → `{uri, uploadUrl}`, `PUT` the bytes to uploadUrl, then
 * `POST /v1/ingest/clips` with the fleet.clips.v1 body.
 */
export class HttpSink implements FleetSink {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async call(method: string, path: string, body: unknown): Promise<unknown> {
    const res = await this.fetchImpl(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async actions(batches: readonly FleetActionsV1[]): Promise<void> {
    for (const b of batches) {
      assertValid(CONTRACTS.fleetActions.validate(b), 'fleet.actions.v1');
      await this.call('POST', '/v1/ingest/actions', b);
    }
  }

  async clip(meta: ClipMeta, body: Buffer): Promise<void> {
    const grant = (await this.call('POST', '/v1/ingest/clips/uploads', {
      vehicleId: meta.vehicleId,
      driveId: meta.driveId,
      clipId: meta.clipId,
      camera: meta.camera,
      contentType: 'video/mp4',
    })) as { uri?: unknown; uploadUrl?: unknown } | undefined;
    if (typeof grant?.uri !== 'string' || typeof grant.uploadUrl !== 'string') throw new Error('POST /v1/ingest/clips/uploads: the answer lacks uri or uploadUrl');
    const put = await this.fetchImpl(grant.uploadUrl, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body });
    if (!put.ok) throw new Error(`PUT clip upload: HTTP ${put.status} ${(await put.text()).slice(0, 500)}`);
    const message: FleetClipsV1 = { ...meta, uri: grant.uri, sha256: sha256Hex(body) };
    assertValid(CONTRACTS.fleetClips.validate(message), 'fleet.clips.v1');
    await this.call('POST', '/v1/ingest/clips', message);
  }

  driveDone(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
