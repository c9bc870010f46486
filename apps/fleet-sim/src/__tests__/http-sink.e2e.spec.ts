import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BUS, type Bus, type Subscription } from '@surprisal/bus';
import { loadConfig } from '@surprisal/config';
import { CONTRACTS, TOPICS, type FleetActionsV1, type FleetClipsV1 } from '@surprisal/contracts';
import { createHttpApp } from '@surprisal/platform';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiModule } from '../../../api/src/api.module';
import { HttpSink } from '../outputs/http.sink';
import { parseScenarioPlan } from '../scenarios/registry';
import { runFleet } from '../sim/fleet-runner';

const ADMIN_KEY = 'test-admin-key-fleet-sim-0123456789';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/** `--to http` against the engine's real ingest routes (embedded: PGlite, in-process bus, local blobs). */
describe('--to http through the engine ingest API', () => {
  let app: NestFastifyApplication;
  let dataDir: string;
  let sub: Subscription;
  let base: string;
  const actions: FleetActionsV1[] = [];
  const clips: FleetClipsV1[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleet-sim-http-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await createHttpApp(loadConfig({ SURPRISAL_DATA_DIR: dataDir, SURPRISAL_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'error', PORT: String(port), PUBLIC_URL: base }), [ApiModule]);
    await app.listen(port, '127.0.0.1');
    const bus = app.get<Bus>(BUS);
    sub = await bus.subscribe({
      groupId: 'fleet-sim-http-reader',
      topics: [TOPICS.fleetActions, TOPICS.fleetClips],
      handler: (b) => {
        for (const m of b.messages) {
          if (b.topic === TOPICS.fleetActions) actions.push(JSON.parse(m.value.toString()) as FleetActionsV1);
          else clips.push(JSON.parse(m.value.toString()) as FleetClipsV1);
        }
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await sub?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('posts every batch and uploads every clip through a presigned URL', async () => {
    const res = await fetch(`${base}/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sim', role: 'ingest' }) });
    const { key } = (await res.json()) as { key: string };
    const result = await runFleet(
      { seed: 3, vehicles: 2, minutes: 10 / 60, startMs: Date.now() - 60_000, plan: parseScenarioPlan({ scenarios: 'none' }), fleetId: 'httpsim', video: { width: 96, height: 72 }, rate: 'max' },
      new HttpSink(base, key),
    );
    expect(result.clips).toBe(2);
    const deadline = Date.now() + 10_000;
    while ((actions.length < 20 || clips.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(actions.filter((a) => a.vehicleId.startsWith('httpsim-'))).toHaveLength(20);
    expect(clips).toHaveLength(2);
    const store = app.get<BlobStore>(BLOB_STORE);
    for (const c of clips) {
      expect(CONTRACTS.fleetClips.validate(c).ok).toBe(true);
      expect((await store.head(store.keyOf(c.uri)))?.sha256).toBe(c.sha256);
    }
  });
});
