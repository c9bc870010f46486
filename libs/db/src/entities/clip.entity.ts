import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

export type ClipStatus = 'pending' | 'ready' | 'failed';

/** A camera clip named by fleet.clips.v1; unique on (vehicleId, clipId). */
@Entity({ name: 'clips' })
export class ClipEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'vehicle_id' }) vehicleId!: string;
  @Column('text', { name: 'drive_id' }) driveId!: string;
  @Column('text', { name: 'clip_id' }) clipId!: string;
  @Column('text') camera!: string;
  @Column('text') uri!: string;
  @Column('bigint', { name: 'start_t', transformer: bigintAsNumber }) startT!: number;
  @Column('bigint', { name: 'end_t', transformer: bigintAsNumber }) endT!: number;
  @Column('real') fps!: number;
  @Column('text') sha256!: string;
  @Column('text', { default: 'pending' }) status!: ClipStatus;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason!: string | null;
  @Column('jsonb', { nullable: true }) probe!: Record<string, unknown> | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
