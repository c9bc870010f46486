import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@surprisal/auth';
import { Database, type AnnotationTaskStatus, type ReviewQueue } from '@surprisal/db';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { AnnotationException } from './annotation.exception';
import { AnnotationTasksService } from './annotation-tasks.service';
import { type ImportResultDto } from './dtos/annotation.dto';
import { readLabelStudioTask, seriesColumns, type LabelStudioTask } from './label-studio.mapper';

const VIDEO_URL_TTL_S = 7 * 24 * 3600; // Label Studio fetches the video whenever an annotator opens the task

interface ExportRow {
  task_id: string;
  edge_case_id: string;
  vehicle_id: string;
  drive_id: string;
  start_t: string;
  end_t: string;
  score: number;
  reasons: { text?: string }[];
  model_version: string;
  series: Record<string, unknown> | null;
  clip_uri: string | null;
}

/** Round trip with Label Studio: export tasks in its JSON import format, import its JSON export as labels. */
@Injectable()
export class LabelStudioService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(AnnotationTasksService) private readonly tasks: AnnotationTasksService,
  ) {}

  async export(filter: { status?: AnnotationTaskStatus; queue?: ReviewQueue; limit: number }): Promise<LabelStudioTask[]> {
    const rows = await this.db.query<ExportRow>(
      `SELECT t.id AS task_id, e.id AS edge_case_id, e.vehicle_id, e.drive_id, e.start_t, e.end_t, e.score, e.reasons, m.version AS model_version,
         (SELECT w.series FROM window_scores w WHERE w.drive_id = e.drive_id AND w.model_version_id = e.model_version_id
            AND w.start_t <= e.peak_t AND w.end_t > e.peak_t ORDER BY w.start_t DESC LIMIT 1) AS series,
         (SELECT c.uri FROM clips c WHERE c.drive_id = e.drive_id AND c.status = 'ready' AND c.start_t < e.end_t AND c.end_t > e.start_t
            ORDER BY c.camera, c.start_t LIMIT 1) AS clip_uri
       FROM annotation_tasks t JOIN edge_cases e ON e.id = t.edge_case_id JOIN model_versions m ON m.id = e.model_version_id
       WHERE ($1::text IS NULL OR t.status = $1) AND ($2::text IS NULL OR t.queue = $2)
       ORDER BY t.priority DESC, t.created_at, t.id LIMIT $3`,
      [filter.status ?? null, filter.queue ?? null, filter.limit],
    );
    return Promise.all(
      rows.map(async (r) => ({
        data: {
          video: r.clip_uri ? await this.store.presignGet(this.store.keyOf(r.clip_uri), VIDEO_URL_TTL_S) : null,
          taskId: r.task_id,
          edgeCaseId: r.edge_case_id,
          vehicleId: r.vehicle_id,
          driveId: r.drive_id,
          startT: Number(r.start_t),
          endT: Number(r.end_t),
          reasons: r.reasons.map((x) => x.text).filter(Boolean).join('; '),
          ts: seriesColumns(r.series),
        },
        predictions: [{ model_version: r.model_version, score: r.score, result: [] }],
      })),
    );
  }

  async import(who: Principal, exported: unknown[]): Promise<ImportResultDto> {
    const result: ImportResultDto = { imported: 0, skipped: 0, errors: [] };
    for (const item of exported) {
      const read = readLabelStudioTask(item);
      if (read === undefined) {
        result.skipped++;
        continue;
      }
      if ('error' in read) {
        result.errors.push(read.error);
        continue;
      }
      try {
        const outcome = await this.tasks.importLabel(who, read.taskId, read, read.origin);
        result[outcome]++;
      } catch (err) {
        if (!(err instanceof AnnotationException)) throw err;
        result.errors.push(`task ${read.taskId}: ${err.message}`);
      }
    }
    return result;
  }
}
