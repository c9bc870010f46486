import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RetrainingJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

@Entity({ name: 'retraining_jobs' })
export class RetrainingJobEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column('uuid', { name: 'dataset_id', nullable: true }) datasetId!: string | null;
  @Column('text', { default: 'queued' }) status!: RetrainingJobStatus;
  @Column('jsonb', { default: () => "'{}'" }) params!: Record<string, unknown>;
  @Column('jsonb', { default: () => "'{}'" }) progress!: Record<string, unknown>;
  @Column('uuid', { name: 'model_version_id', nullable: true }) modelVersionId!: string | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
