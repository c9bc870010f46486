import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type LabelValidity = 'real_event' | 'sensor_fault' | 'not_interesting';

/** The current label of a task (unique per task); every change is kept in label_audit. */
@Entity({ name: 'labels' })
export class LabelEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'task_id' }) taskId!: string;
  @Column('uuid', { name: 'edge_case_id' }) edgeCaseId!: string;
  @Column('text', { name: 'scenario_type' }) scenarioType!: string;
  @Column('text') validity!: LabelValidity;
  @Column('text', { default: '' }) notes!: string;
  @Column('uuid', { name: 'author_key_id' }) authorKeyId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'label_audit' })
export class LabelAuditEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id!: string;
  @Column('uuid', { name: 'label_id' }) labelId!: string;
  @Column('uuid', { name: 'actor_key_id' }) actorKeyId!: string;
  @Column('text') action!: string;
  @Column('jsonb', { nullable: true }) before!: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) after!: Record<string, unknown> | null;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
}
