import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '@surprisal/bus';
import { loadConfig } from '@surprisal/config';
import { CONTRACTS, type FleetActionsV1 } from '@surprisal/contracts';
import { LocalBlobStore } from '@surprisal/storage';
import { describe, expect, it } from 'vitest';
import { DemoFleetService } from '../demo-fleet.service';

describe('the engine demo fleet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-sim-demo-'));
  it('streams valid batches in real time on the engine bus and stops cleanly on shutdown', async () => {
    const bus = new MemoryBus();
    const store = new LocalBlobStore(join(dir, 'blobs'), { publicUrl: 'http://127.0.0.1:3000', signingSecret: 'y'.repeat(32) });
    await store.init();
    const batches: FleetActionsV1[] = [];
    await bus.subscribe({
      groupId: 'demo-test',
      topics: ['fleet.actions.v1'],
      handler: (b) => {
        batches.push(...b.messages.map((m) => JSON.parse(m.value.toString()) as FleetActionsV1));
        return Promise.resolve();
      },
    });
    const service = new DemoFleetService(bus, store, { ...loadConfig({}), dataDir: dir });
    const began = Date.now();
    service.onApplicationBootstrap();
    while (batches.length < 6 && Date.now() - began < 10_000) await new Promise((r) => setTimeout(r, 50));
    const elapsed = Date.now() - began;
    const stopping = Date.now();
    await service.beforeApplicationShutdown();
    expect(Date.now() - stopping).toBeLessThan(5000);
    const count = batches.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(batches.length).toBe(count);
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
    // Three vehicles, one batch each per wall second: six batches take about two seconds, not less.
    expect(batches.length).toBeGreaterThanOrEqual(6);
    expect(elapsed).toBeGreaterThan(1500);
    expect(new Set(batches.map((b) => b.vehicleId))).toEqual(new Set(['demo-v001', 'demo-v002', 'demo-v003']));
    expect(batches.every((b) => CONTRACTS.fleetActions.validate(b).ok)).toBe(true);
    expect(Math.abs(batches[0].samples[0].t - began)).toBeLessThan(2000);
  });

  it('is switched off by SURPRISAL_DEMO_FLEET=off and publishes nothing then', async () => {
    expect(loadConfig({}).demoFleet).toBe(true);
    const config = loadConfig({ SURPRISAL_DEMO_FLEET: 'off' });
    expect(config.demoFleet).toBe(false);
    const bus = new MemoryBus();
    let published = 0;
    await bus.subscribe({ groupId: 'demo-off', topics: ['fleet.actions.v1'], handler: (b) => ((published += b.messages.length), Promise.resolve()) });
    const service = new DemoFleetService(bus, new LocalBlobStore(join(dir, 'off'), { publicUrl: 'http://127.0.0.1:3000', signingSecret: undefined }), config);
    service.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 1500));
    await service.beforeApplicationShutdown();
    await bus.close();
    expect(published).toBe(0);
  });
});
