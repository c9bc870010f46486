import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@surprisal/auth';
import { Database, type AnnotationTaskStatus, type LabelValidity, type ReviewQueue, type SqlTx } from '@surprisal/db';
import { AnnotationErrorCode, AnnotationException } from './annotation.exception';
import { type AuditEntryDto, type SubmitResultDto, type TaskDto } from './dtos/annotation.dto';

interface TaskRow {
  id: string;
  edge_case_id: string;
  queue: ReviewQueue;
  priority: number;
  status: AnnotationTaskStatus;
  claimed_by: string | null;
  lease_expires_at: Date | null;
  lease_live?: boolean;
}

interface LabelRow {
  id: string;
  scenario_type: string;
  validity: LabelValidity;
  notes: string;
  author_key_id: string;
}

export interface LabelInput {
  scenarioType: string;
  validity: LabelValidity;
  notes: string;
}

const toTask = (t: TaskRow): TaskDto => ({
  id: t.id,
  edgeCaseId: t.edge_case_id,
  queue: t.queue,
  priority: t.priority,
  status: t.status,
  claimedBy: t.claimed_by,
  leaseExpiresAt: t.lease_expires_at ? new Date(t.lease_expires_at).toISOString() : null,
});

const labelSnapshot = (l: LabelInput & { authorKeyId: string }) => ({ scenarioType: l.scenarioType, validity: l.validity, notes: l.notes, authorKeyId: l.authorKeyId });

/**
 * The annotation queue. A claim is a lease: the row is taken with FOR UPDATE SKIP LOCKED, so
 * concurrent annotators never get the same task; an expired lease makes the task claimable again.
 * Every label change writes an audit row (who, when, before, after) in the same transaction.
 */
/** The stored label says what the input says (submitting it again changes nothing). */
function sameLabel(label: LabelRow | undefined, input: LabelInput): boolean {
  return label !== undefined && label.scenario_type === input.scenarioType && label.validity === input.validity && label.notes === input.notes;
}

@Injectable()
export class AnnotationTasksService {
  constructor(@Inject(Database) private readonly db: Database) {}

  async claim(who: Principal, queue: ReviewQueue, leaseSeconds: number): Promise<TaskDto | undefined> {
    return this.db.sqlTransaction(async (tx) => {
      // A claimer who already holds a live lease in this queue gets that task again (a retried claim hoards nothing).
      const [held] = await tx.query<TaskRow>(
        `SELECT * FROM annotation_tasks WHERE claimed_by = $1 AND queue = $2 AND status = 'claimed' AND lease_expires_at > now()
         ORDER BY lease_expires_at LIMIT 1`,
        [who.keyId, queue],
      );
      if (held) return toTask(held);
      const [task] = await tx.query<TaskRow>(
        `UPDATE annotation_tasks t
         SET status = 'claimed', claimed_by = $1, lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
         WHERE t.id = (
           SELECT id FROM annotation_tasks
           WHERE queue = $3 AND (status IN ('open', 'sent_back') OR (status = 'claimed' AND lease_expires_at <= now()))
           ORDER BY priority DESC, created_at, id
           LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING t.*`,
        [who.keyId, leaseSeconds, queue],
      );
      if (!task) return undefined;
      await tx.query(`UPDATE edge_cases SET status = 'in_annotation', updated_at = now() WHERE id = $1`, [task.edge_case_id]);
      return toTask(task);
    });
  }

  async renew(who: Principal, taskId: string, leaseSeconds: number): Promise<TaskDto> {
    const [task] = await this.db.query<TaskRow>(
      `UPDATE annotation_tasks SET lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
       WHERE id = $1 AND claimed_by = $2 AND status = 'claimed' AND lease_expires_at > now() RETURNING *`,
      [taskId, who.keyId, leaseSeconds],
    );
    if (task) return toTask(task);
    // Not renewed: 404 if there is no such task, else 409. A plain read: nothing here needs a lock.
    const [exists] = await this.db.query(`SELECT 1 FROM annotation_tasks WHERE id = $1`, [taskId]);
    if (!exists) throw new AnnotationException(AnnotationErrorCode.TaskNotFound, `No annotation task ${taskId}`);
    throw new AnnotationException(AnnotationErrorCode.LeaseNotHeld, `You do not hold a live lease on task ${taskId}: claim a task again`);
  }

  async submit(who: Principal, taskId: string, input: LabelInput): Promise<SubmitResultDto> {
    return this.db.sqlTransaction(async (tx) => {
      const task = await this.lockTask(tx, taskId);
      const [label] = await tx.query<LabelRow>(`SELECT * FROM labels WHERE task_id = $1`, [taskId]);
      const after = labelSnapshot({ ...input, authorKeyId: who.keyId });
      if (task.status === 'accepted') throw new AnnotationException(AnnotationErrorCode.AlreadyReviewed, `Task ${taskId} was already accepted`);
      const resubmission = task.status === 'submitted' && label?.author_key_id === who.keyId;
      const holdsLease = task.status === 'claimed' && task.claimed_by === who.keyId && task.lease_live === true;
      if (!resubmission && !holdsLease && who.role !== 'admin') {
        throw new AnnotationException(AnnotationErrorCode.LeaseNotHeld, `Task ${taskId} is not claimed by you (or the lease expired): claim it first`);
      }
      if (resubmission && sameLabel(label, input)) {
        return { task: toTask(task), label: after, changed: false };
      }
      const updated = await this.recordSubmission(tx, task, label, input, who, label ? 'update' : 'create', after);
      return { task: toTask(updated), label: after, changed: true };
    });
  }

  async review(who: Principal, taskId: string, decision: 'accept' | 'send_back', notes: string): Promise<TaskDto> {
    return this.db.sqlTransaction(async (tx) => {
      const task = await this.lockTask(tx, taskId);
      const target: AnnotationTaskStatus = decision === 'accept' ? 'accepted' : 'sent_back';
      if (task.status === target) return toTask(task);
      if (task.status !== 'submitted') throw new AnnotationException(AnnotationErrorCode.NotSubmitted, `Task ${taskId} is ${task.status}, not submitted`);
      const [label] = await tx.query<LabelRow>(`SELECT * FROM labels WHERE task_id = $1`, [taskId]);
      const [updated] = await tx.query<TaskRow>(
        `UPDATE annotation_tasks SET status = $2, claimed_by = CASE WHEN $2 = 'sent_back' THEN NULL ELSE claimed_by END, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [taskId, target],
      );
      if (decision === 'accept') {
        const dismissed = label?.validity === 'not_interesting';
        await tx.query(`UPDATE edge_cases SET status = $2, scenario_label = $3, updated_at = now() WHERE id = $1`, [
          task.edge_case_id,
          dismissed ? 'dismissed' : 'labelled',
          dismissed ? null : (label?.scenario_type ?? null),
        ]);
      } else {
        await tx.query(`UPDATE edge_cases SET status = 'queued', updated_at = now() WHERE id = $1`, [task.edge_case_id]);
      }
      if (label) await this.audit(tx, label.id, who.keyId, decision, null, { decision, notes });
      return toTask(updated);
    });
  }

  async auditTrail(taskId: string): Promise<AuditEntryDto[]> {
    // One read, no lock: the task's existence (for the 404) comes with its audit rows.
    const rows = await this.db.query<{ action: string | null; actor_key_id: string; at: Date; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
      `SELECT a.action, a.actor_key_id, a.at, a.before, a.after
       FROM annotation_tasks t LEFT JOIN labels l ON l.task_id = t.id LEFT JOIN label_audit a ON a.label_id = l.id
       WHERE t.id = $1 ORDER BY a.at, a.id`,
      [taskId],
    );
    if (rows.length === 0) throw new AnnotationException(AnnotationErrorCode.TaskNotFound, `No annotation task ${taskId}`);
    return rows.flatMap((r) => (r.action === null ? [] : [{ action: r.action, actorKeyId: r.actor_key_id, at: new Date(r.at).toISOString(), before: r.before, after: r.after }]));
  }

  /** Records a label from outside (Label Studio import) as a submission; identical labels are skipped. */
  async importLabel(who: Principal, taskId: string, input: LabelInput, origin: Record<string, unknown>): Promise<'imported' | 'skipped'> {
    return this.db.sqlTransaction(async (tx) => {
      const task = await this.lockTask(tx, taskId);
      if (task.status === 'accepted') throw new AnnotationException(AnnotationErrorCode.AlreadyReviewed, `Task ${taskId} was already accepted`);
      const [label] = await tx.query<LabelRow>(`SELECT * FROM labels WHERE task_id = $1`, [taskId]);
      if (sameLabel(label, input)) return 'skipped';
      await this.recordSubmission(tx, task, label, input, who, 'import', { ...labelSnapshot({ ...input, authorKeyId: who.keyId }), origin });
      return 'imported';
    });
  }

  /** Writes the task's label (insert or update), its audit row, and marks task and edge case as submitted/labelled. */
  private async recordSubmission(
    tx: SqlTx,
    task: TaskRow,
    existing: LabelRow | undefined,
    input: LabelInput,
    who: Principal,
    action: 'create' | 'update' | 'import',
    after: object,
  ): Promise<TaskRow> {
    let labelId = existing?.id;
    if (labelId) {
      await tx.query(`UPDATE labels SET scenario_type = $2, validity = $3, notes = $4, author_key_id = $5, updated_at = now() WHERE id = $1`, [
        labelId, input.scenarioType, input.validity, input.notes, who.keyId,
      ]);
    } else {
      const [created] = await tx.query<{ id: string }>(
        `INSERT INTO labels (task_id, edge_case_id, scenario_type, validity, notes, author_key_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [task.id, task.edge_case_id, input.scenarioType, input.validity, input.notes, who.keyId],
      );
      labelId = created.id;
    }
    const before = existing
      ? labelSnapshot({ scenarioType: existing.scenario_type, validity: existing.validity, notes: existing.notes, authorKeyId: existing.author_key_id })
      : null;
    await this.audit(tx, labelId, who.keyId, action, before, after);
    const [updated] = await tx.query<TaskRow>(
      `UPDATE annotation_tasks SET status = 'submitted', lease_expires_at = NULL, updated_at = now() WHERE id = $1 RETURNING *`,
      [task.id],
    );
    await tx.query(`UPDATE edge_cases SET status = 'labelled', updated_at = now() WHERE id = $1`, [task.edge_case_id]);
    return updated;
  }

  private async lockTask(tx: SqlTx, taskId: string): Promise<TaskRow> {
    const [task] = await tx.query<TaskRow>(
      `SELECT *, (lease_expires_at IS NOT NULL AND lease_expires_at > now()) AS lease_live FROM annotation_tasks WHERE id = $1 FOR UPDATE`,
      [taskId],
    );
    if (!task) throw new AnnotationException(AnnotationErrorCode.TaskNotFound, `No annotation task ${taskId}`);
    return task;
  }

  private async audit(tx: SqlTx, labelId: string, actor: string, action: string, before: object | null, after: object | null): Promise<void> {
    await tx.query(`INSERT INTO label_audit (label_id, actor_key_id, action, before, after) VALUES ($1, $2, $3, $4, $5)`, [
      labelId, actor, action, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after),
    ]);
  }
}
