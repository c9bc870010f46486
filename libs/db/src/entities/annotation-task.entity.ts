import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { type ReviewQueue } from './edge-case.entity';

export type AnnotationTaskStatus = 'open' | 'claimed' | 'submitted' | 'accepted' | 'sent_back';

/** One edge case's place in a review queue; a claim is a lease that expires back to the queue. */
@Entity({ name: 'annotation_tasks' })
export class AnnotationTaskEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'edge_case_id' }) edgeCaseId!: string;
  @Column('text') queue!: ReviewQueue;
  @Column('double precision', { default: 0 }) priority!: number;
  @Column('text', { default: 'open' }) status!: AnnotationTaskStatus;
  @Column('uuid', { name: 'claimed_by', nullable: true }) claimedBy!: string | null;
  @Column('timestamptz', { name: 'lease_expires_at', nullable: true }) leaseExpiresAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
