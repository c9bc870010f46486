import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

/** The surprise of one window under one model; unique on (segmentId, modelVersionId, startT). */
@Entity({ name: 'window_scores' })
export class WindowScoreEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id!: string;
  @Column('uuid', { name: 'segment_id' }) segmentId!: string;
  @Column('uuid', { name: 'model_version_id' }) modelVersionId!: string;
  @Column('text', { name: 'vehicle_id' }) vehicleId!: string;
  @Column('text', { name: 'drive_id' }) driveId!: string;
  @Column('bigint', { name: 'start_t', transformer: bigintAsNumber }) startT!: number;
  @Column('bigint', { name: 'end_t', transformer: bigintAsNumber }) endT!: number;
  /** Each component kept apart (action NLL lateral/longitudinal, latent error, disagreement) so a reviewer sees why. */
  @Column('jsonb') components!: Record<string, number>;
  @Column('double precision') total!: number;
  @Column('double precision', { name: 'p_value', nullable: true }) pValue!: number | null;
  @Column('text', { array: true, default: () => "'{}'" }) triggers!: string[];
  /** Predicted (mean, spread) and actual action series that explain the score. */
  @Column('jsonb', { nullable: true }) series!: Record<string, unknown> | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
