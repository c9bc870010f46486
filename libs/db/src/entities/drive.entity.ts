import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

@Entity({ name: 'drives' })
export class DriveEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'vehicle_id' }) vehicleId!: string;
  @Column('bigint', { name: 'first_t', nullable: true, transformer: bigintAsNumber }) firstT!: number | null;
  @Column('bigint', { name: 'last_t', nullable: true, transformer: bigintAsNumber }) lastT!: number | null;
  @Column('bigint', { name: 'sample_count', default: 0, transformer: bigintAsNumber }) sampleCount!: number;
  /** The longest last_t − first_t of the drive's batches: bounds which batches can overlap a segment. */
  @Column('bigint', { name: 'max_batch_span_ms', default: 0, transformer: bigintAsNumber }) maxBatchSpanMs!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
