import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A frozen training manifest (segment and clip URIs, weights, split) stored in object storage. */
@Entity({ name: 'datasets' })
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'manifest_uri' }) manifestUri!: string;
  @Column('text', { name: 'manifest_sha256' }) manifestSha256!: string;
  @Column('integer', { name: 'item_count' }) itemCount!: number;
  @Column('jsonb', { default: () => "'{}'" }) spec!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
