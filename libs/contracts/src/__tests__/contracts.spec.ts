import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACTS, FLEET_ID, type FleetActionsV1, TOPIC_PARTITIONS, TOPIC_SPECS, TOPICS } from '../index';

const batch: FleetActionsV1 = {
  vehicleId: 'veh-001',
  driveId: 'drive-2026-11-29-a',
  seq: 0,
  samples: [
    { t: 1_764_400_000_000, speed: 12.5, steering: -3.2, accel: 0.4, brake: 0, gas: 0.2, yawRate: -0.01, turnSignal: 0 },
    { t: 1_764_400_000_050, speed: 12.52 },
  ],
};

describe('wire contracts', () => {
  it('keeps the generated types in step with schemas/', () => {
    expect(() => execFileSync(process.execPath, [resolve(__dirname, '../../../../scripts/generate-contracts.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('accepts a valid action batch, with absent optional signals and unknown future fields', () => {
    expect(CONTRACTS.fleetActions.validate(batch).ok).toBe(true);
    expect(CONTRACTS.fleetActions.validate({ ...batch, firmware: '1.2' }).ok).toBe(true);
  });

  it('names every violation with a JSON pointer', () => {
    const result = CONTRACTS.fleetActions.validate({ vehicleId: 'veh 1', seq: -1, samples: [{ t: 1, speed: 'fast' }, { speed: 1, turnSignal: 2 }] });
    expect(result.ok).toBe(false);
    const pointers = result.ok ? [] : result.violations.map((v) => v.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/vehicleId', '/driveId', '/seq', '/samples/0/speed', '/samples/1/t', '/samples/1/turnSignal']));
  });

  it('checks clip messages: URI form, checksum shape', () => {
    const clip = { vehicleId: 'v', driveId: 'd', clipId: 'c', camera: 'front', uri: 's3://surprisal/clips/c.mp4', startT: 1, endT: 2, fps: 10, sha256: 'a'.repeat(64) };
    expect(CONTRACTS.fleetClips.validate(clip).ok).toBe(true);
    const bad = CONTRACTS.fleetClips.validate({ ...clip, uri: 'http://elsewhere/c.mp4', sha256: 'xyz' });
    expect(bad.ok ? [] : bad.violations.map((v) => v.pointer)).toEqual(['/uri', '/sha256']);
  });

  it('FLEET_ID is the id pattern of the fleet schemas', () => {
    for (const [schema, ids] of [['fleet.actions.v1', ['vehicleId', 'driveId']], ['fleet.clips.v1', ['vehicleId', 'driveId', 'clipId']]] as const) {
      const json = JSON.parse(readFileSync(resolve(__dirname, `../../../../schemas/${schema}.schema.json`), 'utf8')) as { properties: Record<string, { pattern?: string }> };
      for (const id of ids) expect(json.properties[id].pattern, `${schema} ${id}`).toBe(FLEET_ID.source);
    }
  });

  it('TOPIC_SPECS lists every topic with its partitions', () => {
    expect(Object.fromEntries(TOPIC_SPECS.map((s) => [s.name, s.partitions]))).toEqual(TOPIC_PARTITIONS);
    // Every contract topic has a partition count (a topic added to TOPICS alone would not be created).
    expect(TOPIC_SPECS.map((s) => s.name).sort()).toEqual(Object.values(TOPICS).sort());
    expect(TOPIC_SPECS.every((s) => Number.isInteger(s.partitions) && s.partitions > 0)).toBe(true);
  });
});
