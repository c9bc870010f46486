import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

/** One accepted fleet.actions.v1 batch; unique on (vehicleId, driveId, seq). */
@Entity({ name: 'action_batches' })
export class ActionBatchEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id!: string;
  @Column('text', { name: 'vehicle_id' }) vehicleId!: string;
  @Column('text', { name: 'drive_id' }) driveId!: string;
  @Column('bigint', { transformer: bigintAsNumber }) seq!: number;
  @Column('bigint', { name: 'first_t', transformer: bigintAsNumber }) firstT!: number;
  @Column('bigint', { name: 'last_t', transformer: bigintAsNumber }) lastT!: number;
  @Column('integer', { name: 'sample_count' }) sampleCount!: number;
  /** The samples packed by libs/columnar's packActionSamples (rows from before it: JSON text); read with unpackActionSamples. */
  @Column('bytea') samples!: Buffer;
  /** Where it came from: `kafka:<topic>/<partition>/<offset>` or `http:<key id>`. */
  @Column('text') source!: string;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt!: Date;
}
