import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `label_membership`: a host is in a label; both foreign keys cascade on delete. */
@Entity({ name: 'label_membership' })
export class LabelMembershipEntity {
  @PrimaryColumn({ type: 'integer' })
  host_id!: number;
  @PrimaryColumn({ type: 'integer' })
  label_id!: number;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
