import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

export type SegmentStatus = 'open' | 'complete';

/** A fixed-length slice of a drive; its samples live columnar in object storage at `uri`. */
@Entity({ name: 'action_segments' })
export class ActionSegmentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'vehicle_id' }) vehicleId!: string;
  @Column('text', { name: 'drive_id' }) driveId!: string;
  @Column('integer', { name: 'segment_index' }) segmentIndex!: number;
  @Column('bigint', { name: 'start_t', transformer: bigintAsNumber }) startT!: number;
  @Column('bigint', { name: 'end_t', transformer: bigintAsNumber }) endT!: number;
  @Column('integer', { name: 'sample_count' }) sampleCount!: number;
  @Column('text', { array: true, default: () => "'{}'" }) signals!: string[];
  @Column('text', { nullable: true }) uri!: string | null;
  @Column('text', { nullable: true }) sha256!: string | null;
  @Column('integer', { default: 1 }) version!: number;
  @Column('text', { default: 'open' }) status!: SegmentStatus;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
