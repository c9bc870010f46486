import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '@surprisal/db';
import { seedEdgeCases, startTestApp, type SeededEdgeCase, type TestApp } from '@surprisal/testing';
import { ApiModule } from '../../api.module';

interface Task {
  id: string;
  edgeCaseId: string;
  status: string;
  claimedBy: string | null;
  leaseExpiresAt: string | null;
}

/** The annotation queue through HTTP; run on embedded PGlite and on real PostgreSQL alike. */
export function describeAnnotationApi(backend: 'pglite' | 'postgres'): void {
  describe(`annotation queue (${backend})`, () => {
    let t: TestApp;
    let cases: SeededEdgeCase[];
    const annotators: string[] = [];

    beforeAll(async () => {
      t = await startTestApp([ApiModule], backend);
      ({ cases } = await seedEdgeCases(t.db, { count: 12, withTasks: true, withWindows: true }));
      const repo = t.app.get(ApiKeyRepository);
      for (let i = 0; i < 8; i++) annotators.push((await repo.create(`annotator-${i}`, 'annotator')).key);
    });
    afterAll(async () => t?.close());

    const claim = (key: string) => t.call('POST', '/v1/annotation-tasks/claim', key, { queue: 'annotation', leaseSeconds: 60 });
    const submit = (key: string, id: string, label: object) => t.call('POST', `/v1/annotation-tasks/${id}/submit`, key, label);

    it('hands each task to exactly one of many concurrent claimers, by priority', async () => {
      const results = await Promise.all(annotators.map((k) => claim(k)));
      const tasks = results.map((r) => {
        expect(r.status).toBe(200);
        return r.body as Task;
      });
      expect(new Set(tasks.map((x) => x.id)).size).toBe(annotators.length);
      const byPriority = [...cases].sort((a, b) => b.score - a.score).slice(0, annotators.length).map((c) => c.taskId);
      expect(tasks.map((x) => x.id).sort()).toEqual([...byPriority].sort());
      // A repeated claim returns the task already held instead of hoarding another.
      const again = await claim(annotators[0]);
      expect((again.body as Task).id).toBe(tasks[0].id);
    });

    it('returns expired leases to the queue and refuses the old holder', async () => {
      const first = (await claim(t.keys.annotator)).body as Task;
      await t.db.query(`UPDATE annotation_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [first.id]);
      expect((await t.call('POST', `/v1/annotation-tasks/${first.id}/renew`, t.keys.annotator, {})).status).toBe(409);
      const taken = (await claim(t.keys.engineer)).body as Task;
      expect(taken.id).toBe(first.id);
      const late = await submit(t.keys.annotator, first.id, { scenarioType: 'cut_in', validity: 'real_event' });
      expect(late.status).toBe(409);
      // The same error body as every other route: status, machine-readable code, words.
      expect(late.body).toMatchObject({ statusCode: 409, error: 'lease_not_held' });
      const renewed = await t.call('POST', `/v1/annotation-tasks/${first.id}/renew`, t.keys.engineer, { leaseSeconds: 600 });
      expect(renewed.status).toBe(200);
      expect(Date.parse((renewed.body as Task).leaseExpiresAt!)).toBeGreaterThan(Date.now() + 500_000);
    });

    it('accepts a label once; the same submission again changes nothing; a change is audited', async () => {
      const task = (await claim(annotators[1])).body as Task;
      const label = { scenarioType: 'pedestrian_crossing', validity: 'real_event', notes: 'child runs out' };
      const first = await submit(annotators[1], task.id, label);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ changed: true, task: { status: 'submitted' }, label });
      const repeat = await submit(annotators[1], task.id, label);
      expect(repeat.body).toMatchObject({ changed: false });
      const changed = await submit(annotators[1], task.id, { ...label, notes: 'child runs out from behind a van' });
      expect(changed.body).toMatchObject({ changed: true });
      expect((await submit(annotators[2], task.id, label)).status).toBe(409);
      expect((await submit(annotators[1], task.id, { scenarioType: 'teleport', validity: 'real_event' })).status).toBe(400);

      const audit = await t.call('GET', `/v1/annotation-tasks/${task.id}/audit`, t.keys.engineer);
      const entries = audit.body as { action: string; before: { notes?: string } | null; after: { notes?: string } | null }[];
      expect(entries.map((e) => e.action)).toEqual(['create', 'update']);
      expect(entries[1].before?.notes).toBe('child runs out');
      expect(entries[1].after?.notes).toBe('child runs out from behind a van');
      expect((await t.call('GET', `/v1/annotation-tasks/${task.id}/audit`, annotators[1])).status).toBe(403);

      const edge = await t.call('GET', `/v1/edge-cases/${task.edgeCaseId}`, t.keys.engineer);
      expect(edge.body).toMatchObject({ status: 'labelled', labels: [{ scenarioType: 'pedestrian_crossing' }] });
    });

    it('lets an engineer accept or send back a submission', async () => {
      const a = (await claim(annotators[3])).body as Task;
      await submit(annotators[3], a.id, { scenarioType: 'debris_swerve', validity: 'real_event' });
      const accepted = await t.call('POST', `/v1/annotation-tasks/${a.id}/review`, t.keys.engineer, { decision: 'accept' });
      expect(accepted.body).toMatchObject({ status: 'accepted' });
      expect((await t.call('GET', `/v1/edge-cases/${a.edgeCaseId}`, t.keys.engineer)).body).toMatchObject({ scenarioLabel: 'debris_swerve' });
      expect((await submit(annotators[3], a.id, { scenarioType: 'animal', validity: 'real_event' })).status).toBe(409);
      expect((await t.call('POST', `/v1/annotation-tasks/${a.id}/review`, annotators[3], { decision: 'accept' })).status).toBe(403);

      const b = (await claim(annotators[4])).body as Task;
      await submit(annotators[4], b.id, { scenarioType: 'other', validity: 'not_interesting' });
      const back = await t.call('POST', `/v1/annotation-tasks/${b.id}/review`, t.keys.engineer, { decision: 'send_back', notes: 'look again' });
      expect(back.body).toMatchObject({ status: 'sent_back', claimedBy: null });
      expect((await t.call('GET', `/v1/edge-cases/${b.edgeCaseId}`, t.keys.engineer)).body).toMatchObject({ status: 'queued' });
    });

    it('round-trips tasks through Label Studio JSON: export, annotate there, import back as labels', async () => {
      const exported = await t.call('GET', '/v1/annotation-tasks/export/label-studio?status=claimed', t.keys.engineer);
      expect(exported.status).toBe(200);
      const lsTasks = exported.body as { data: { taskId: string; ts: Record<string, number[]>; edgeCaseId: string } }[];
      expect(lsTasks.length).toBeGreaterThan(0);
      expect(lsTasks[0].data.ts).toMatchObject({ t: [0, 500, 1000], steering_actual: [0, -10, -20], steering_predicted: [0, 6, 12] });
      const config = await t.call('GET', '/v1/annotation-tasks/export/label-studio/config', t.keys.engineer);
      expect(String(config.body)).toContain('<Choice value="cut_in"');

      // What Label Studio exports after annotators worked: the same tasks with annotations.
      const lsExport = lsTasks.map((task, i) => ({
        id: 1000 + i,
        data: task.data,
        annotations: [
          { id: 1, was_cancelled: true, result: [] },
          {
            id: 2,
            completed_by: 7,
            result: [
              { from_name: 'scenario', to_name: 'video', type: 'choices', value: { choices: [i % 2 ? 'animal' : 'cut_in'] } },
              { from_name: 'validity', to_name: 'video', type: 'choices', value: { choices: ['real_event'] } },
              { from_name: 'notes', to_name: 'video', type: 'textarea', value: { text: [`ls note ${i}`] } },
            ],
          },
        ],
      }));
      lsExport.push({ id: 9999, data: { ...lsTasks[0].data, taskId: 'bogus' }, annotations: [] });
      const imported = await t.call('POST', '/v1/annotation-tasks/import/label-studio', t.keys.engineer, lsExport);
      expect(imported.status).toBe(200);
      expect(imported.body).toMatchObject({ imported: lsTasks.length, skipped: 0 });
      expect((imported.body as { errors: string[] }).errors).toHaveLength(1);
      const again = await t.call('POST', '/v1/annotation-tasks/import/label-studio', t.keys.engineer, lsExport);
      expect(again.body).toMatchObject({ imported: 0, skipped: lsTasks.length });
      const edge = await t.call('GET', `/v1/edge-cases/${lsTasks[0].data.edgeCaseId}`, t.keys.engineer);
      expect(edge.body).toMatchObject({ status: 'labelled', labels: [{ scenarioType: 'cut_in', notes: 'ls note 0' }] });
      expect((await t.call('POST', '/v1/annotation-tasks/import/label-studio', t.keys.engineer, { not: 'an array' })).status).toBe(400);
    });

    it('answers 204 when the queue is empty and 404 for unknown tasks', async () => {
      expect((await t.call('POST', '/v1/annotation-tasks/claim', annotators[5], { queue: 'safety' })).status).toBe(204);
      expect((await submit(annotators[5], '00000000-0000-4000-8000-000000000000', { scenarioType: 'cut_in', validity: 'real_event' })).status).toBe(404);
      const audit = await t.call('GET', '/v1/annotation-tasks/00000000-0000-4000-8000-000000000000/audit', t.keys.engineer);
      expect({ status: audit.status, body: audit.body }).toMatchObject({ status: 404, body: { statusCode: 404, error: 'task_not_found' } });
    });
  });
}
