import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'vehicles' })
export class VehicleEntity {
  @PrimaryColumn('text') id!: string;
  @Column('timestamptz', { name: 'first_seen_at', default: () => 'now()' }) firstSeenAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at', default: () => 'now()' }) lastSeenAt!: Date;
}
