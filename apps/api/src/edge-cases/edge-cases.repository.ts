import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@surprisal/db';
import { type Cursor } from './cursor.util';
import { type EdgeCaseSummaryDto } from './dtos/edge-case.dto';
import { type ListEdgeCasesQuery } from './dtos/list-edge-cases.query';

/** The detail's row: the summary, and what the detail shows or needs beside it. */
export interface EdgeCaseRow {
  /** EdgeCaseSummaryDto as JSON text. */
  summary: string;
  model_version_id: string;
  reasons: Record<string, unknown>[];
  thumbnail_uri: string | null;
}

/** Where an edge case lies (from its summary), for the windows and clips around it. */
type Span = Pick<EdgeCaseSummaryDto, 'driveId' | 'startT' | 'endT'>;

/** A list item: its summary as JSON text, and the keyset position after it. */
export interface EdgeCaseListRow {
  summary: string;
  key: string | number;
  id: string;
}

export interface WindowRow {
  start_t: string;
  end_t: string;
  total: number;
  p_value: number | null;
  components: Record<string, number>;
  triggers: string[];
  series: Record<string, unknown> | null;
}

/**
 * An edge case as the API shows it (EdgeCaseSummaryDto) is the row's `summary`: JSON text with fields named
 * as the DTO's, kept by a trigger whenever the row is written (migration 1765094400000). A list page passes
 * those texts through as they are, so neither PostgreSQL nor Node builds, parses or serialises a summary on a
 * read (the list is the hot route). createdAt is PostgreSQL's RFC 3339 rendering in UTC.
 *
 * The edge-case queries, as SQL a reviewer can read; every value is a bound parameter.
 */
@Injectable()
export class EdgeCasesRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  list(q: ListEdgeCasesQuery, after: Cursor | undefined): Promise<EdgeCaseListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (v: unknown) => `$${params.push(v)}`;
    if (q.from !== undefined) where.push(`e.start_t >= ${bind(q.from)}`);
    if (q.to !== undefined) where.push(`e.start_t < ${bind(q.to)}`);
    if (q.vehicleId) where.push(`e.vehicle_id = ${bind(q.vehicleId)}`);
    if (q.driveId) where.push(`e.drive_id = ${bind(q.driveId)}`);
    if (q.minScore !== undefined) where.push(`e.score >= ${bind(q.minScore)}`);
    if (q.maxPValue !== undefined) where.push(`e.p_value <= ${bind(q.maxPValue)}`);
    if (q.status) where.push(`e.status = ${bind(q.status)}`);
    if (q.scenario) where.push(`e.scenario_label = ${bind(q.scenario)}`);
    if (q.reasonKind) where.push(`${bind(q.reasonKind)} = ANY(e.reason_kinds)`);
    if (q.trigger) where.push(`${bind(q.trigger)} = ANY(e.triggers)`);
    if (q.modelVersion) where.push(`e.model_version_id = (SELECT id FROM model_versions WHERE version = ${bind(q.modelVersion)})`);
    const key = q.sort === 'score' ? 'e.score' : 'e.start_t';
    if (after) where.push(`(${key}, e.id) < (${bind(after.key)}, ${bind(after.id)}::uuid)`);
    return this.db.query<EdgeCaseListRow>(
      `SELECT e.summary, ${key} AS key, e.id FROM edge_cases e
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${key} DESC, e.id DESC LIMIT ${bind(q.limit + 1)}`,
      params,
      // One text per combination of filters in use: a small set, each parsed and planned once per connection.
      { prepare: true },
    );
  }

  async get(id: string): Promise<EdgeCaseRow | undefined> {
    const [row] = await this.db.query<EdgeCaseRow>(
      `SELECT summary, model_version_id, reasons, thumbnail_uri FROM edge_cases WHERE id = $1`,
      [id],
      { prepare: true },
    );
    return row;
  }

  /** Windows of the same drive and model around the edge case (a window of context on each side). */
  windows(e: Span, modelVersionId: string, contextMs: number): Promise<WindowRow[]> {
    return this.db.query<WindowRow>(
      `SELECT start_t, end_t, total, p_value, components, triggers, series FROM window_scores
       WHERE drive_id = $1 AND model_version_id = $2 AND start_t >= $3 AND start_t <= $4 ORDER BY start_t`,
      [e.driveId, modelVersionId, e.startT - contextMs, e.endT + contextMs],
      { prepare: true },
    );
  }

  labels(edgeCaseId: string): Promise<{ task_id: string; scenario_type: string; validity: string; notes: string; author_key_id: string; updated_at: Date }[]> {
    return this.db.query(
      `SELECT task_id, scenario_type, validity, notes, author_key_id, updated_at FROM labels WHERE edge_case_id = $1 ORDER BY updated_at`,
      [edgeCaseId],
    );
  }

  clips(e: Span): Promise<{ clip_id: string; camera: string; uri: string; start_t: string; end_t: string }[]> {
    return this.db.query(
      `SELECT clip_id, camera, uri, start_t, end_t FROM clips
       WHERE drive_id = $1 AND status = 'ready' AND start_t < $3 AND end_t > $2 ORDER BY camera, start_t`,
      [e.driveId, e.startT, e.endT],
    );
  }

  /** Nearest neighbours by embedding through the cube GiST index (ORDER BY embedding <-> x). */
  similar(id: string, limit: number): Promise<{ summary: string; distance: number }[]> {
    return this.db.query(
      `SELECT e.summary, e.embedding <-> x.embedding AS distance
       FROM (SELECT embedding FROM edge_cases WHERE id = $1) x, edge_cases e
       WHERE e.id <> $1 AND e.embedding IS NOT NULL
       ORDER BY e.embedding <-> x.embedding LIMIT $2`,
      [id, limit],
    );
  }

  async hasEmbedding(id: string): Promise<boolean | undefined> {
    const [row] = await this.db.query<{ has: boolean }>(`SELECT embedding IS NOT NULL AS has FROM edge_cases WHERE id = $1`, [id]);
    return row?.has;
  }
}
