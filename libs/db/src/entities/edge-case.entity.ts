import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

export const EDGE_CASE_STATUSES = ['new', 'queued', 'in_annotation', 'labelled', 'dismissed'] as const;
export type EdgeCaseStatus = (typeof EDGE_CASE_STATUSES)[number];
/** 'annotation': the model is unsure (label and retrain); 'safety': the driver did something rare or risky. */
export type ReviewQueue = 'annotation' | 'safety';

@Entity({ name: 'edge_cases' })
export class EdgeCaseEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'vehicle_id' }) vehicleId!: string;
  @Column('text', { name: 'drive_id' }) driveId!: string;
  @Column('uuid', { name: 'segment_id' }) segmentId!: string;
  @Column('uuid', { name: 'model_version_id' }) modelVersionId!: string;
  @Column('bigint', { name: 'start_t', transformer: bigintAsNumber }) startT!: number;
  @Column('bigint', { name: 'end_t', transformer: bigintAsNumber }) endT!: number;
  @Column('bigint', { name: 'peak_t', transformer: bigintAsNumber }) peakT!: number;
  @Column('double precision') score!: number;
  @Column('double precision', { name: 'p_value', nullable: true }) pValue!: number | null;
  @Column('text', { default: 'new' }) status!: EdgeCaseStatus;
  @Column('text') queue!: ReviewQueue;
  @Column('text', { name: 'reason_kinds', array: true, default: () => "'{}'" }) reasonKinds!: string[];
  @Column('jsonb', { default: () => "'[]'" }) reasons!: Record<string, unknown>[];
  @Column('text', { array: true, default: () => "'{}'" }) triggers!: string[];
  @Column('text', { name: 'scenario_label', nullable: true }) scenarioLabel!: string | null;
  /** TypeORM maps cube to number[]; ≤ 100 dimensions (cube's limit). */
  @Column('cube', { nullable: true }) embedding!: number[] | null;
  @Column('uuid', { name: 'cluster_id', nullable: true }) clusterId!: string | null;
  /** The miner's JPEG frame strip of the edge case's clip (a blob store URI); null when there is none. */
  @Column('text', { name: 'thumbnail_uri', nullable: true }) thumbnailUri!: string | null;
  /** The API's EdgeCaseSummaryDto as JSON text, written by a trigger on every insert and update (never by the ORM). */
  @Column({ type: 'text', name: 'summary', insert: false, update: false, select: false }) summary!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
