import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { decodeCursor, encodeCursor } from './cursor.util';
import { type EdgeCaseDetailDto, type EdgeCasePageDto, type EdgeCaseSummaryDto, type SimilarPageDto } from './dtos/edge-case.dto';
import { type ListEdgeCasesQuery } from './dtos/list-edge-cases.query';
import { EdgeCasesRepository } from './edge-cases.repository';

const MEDIA_URL_TTL_S = 300;
const WINDOW_CONTEXT_MS = 2_000;

/** JSON text of a T, sent as it is (an edge case's stored summary; see EdgeCasesRepository). */
export type JsonText<T> = string & { readonly __jsonOf?: T };

const summaryOf = (json: string) => JSON.parse(json) as EdgeCaseSummaryDto;

@Injectable()
export class EdgeCasesService {
  constructor(
    @Inject(EdgeCasesRepository) private readonly repo: EdgeCasesRepository,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {}

  async list(q: ListEdgeCasesQuery): Promise<JsonText<EdgeCasePageDto>> {
    const after = q.cursor ? decodeCursor(q.cursor, q.sort) : undefined;
    const rows = await this.repo.list(q, after);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > q.limit && last ? encodeCursor({ sort: q.sort, key: Number(last.key), id: last.id }) : null;
    return `{"items":[${page.map((r) => r.summary).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }

  async get(id: string): Promise<EdgeCaseDetailDto> {
    const row = await this.repo.get(id);
    if (!row) throw new NotFoundException(`No edge case ${id}`);
    const summary = summaryOf(row.summary);
    const [windows, labels, clips] = await Promise.all([this.repo.windows(summary, row.model_version_id, WINDOW_CONTEXT_MS), this.repo.labels(id), this.repo.clips(summary)]);
    const peak = windows.find((w) => Number(w.start_t) <= summary.peakT && summary.peakT < Number(w.end_t)) ?? windows[0];
    return {
      ...summary,
      reasons: row.reasons,
      components: peak?.components ?? {},
      series: peak?.series ?? null,
      windows: windows.map((w) => ({
        startT: Number(w.start_t),
        endT: Number(w.end_t),
        total: w.total,
        pValue: w.p_value,
        components: w.components,
        triggers: w.triggers,
      })),
      labels: labels.map((l) => ({
        taskId: l.task_id,
        scenarioType: l.scenario_type,
        validity: l.validity,
        notes: l.notes,
        authorKeyId: l.author_key_id,
        updatedAt: new Date(l.updated_at).toISOString(),
      })),
      media: {
        clips: await Promise.all(
          clips.map(async (c) => ({
            clipId: c.clip_id,
            camera: c.camera,
            startT: Number(c.start_t),
            endT: Number(c.end_t),
            url: await this.store.presignGet(this.store.keyOf(c.uri), MEDIA_URL_TTL_S),
          })),
        ),
        thumbnailUrl: row.thumbnail_uri ? await this.store.presignGet(this.store.keyOf(row.thumbnail_uri), MEDIA_URL_TTL_S) : null,
        expiresIn: MEDIA_URL_TTL_S,
      },
    };
  }

  async similar(id: string, limit: number): Promise<SimilarPageDto> {
    const rows = await this.repo.similar(id, limit);
    if (rows.length > 0) return { items: rows.map((r) => ({ ...summaryOf(r.summary), distance: Number(r.distance) })) };
    // Nothing near: say why (no such case, no embedding) with a second look only in that case.
    const has = await this.repo.hasEmbedding(id);
    if (has === undefined) throw new NotFoundException(`No edge case ${id}`);
    return has ? { items: [] } : { items: [], note: 'This edge case has no embedding (scored from actions only).' };
  }
}
