import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ModelStatus = 'candidate' | 'promoted' | 'retired' | 'rejected';

/** A trained model set (ONNX files + metrics) in object storage; at most one is promoted. */
@Entity({ name: 'model_versions' })
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') version!: string;
  @Column('text', { name: 'artifact_uri' }) artifactUri!: string;
  /** Which schemas/ model I/O contract the artifacts follow. */
  @Column('text', { name: 'io_contract' }) ioContract!: string;
  @Column('jsonb', { default: () => "'{}'" }) metrics!: Record<string, unknown>;
  @Column('text', { default: 'candidate' }) status!: ModelStatus;
  @Column('uuid', { name: 'retraining_job_id', nullable: true }) retrainingJobId!: string | null;
  @Column('timestamptz', { name: 'promoted_at', nullable: true }) promotedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
