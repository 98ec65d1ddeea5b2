import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { LabelMembershipType, LabelType } from '../../../internal/fleet';

/** `labels`; the id identity starts at FIRST_LABEL_ID (see the initial migration). */
@Entity({ name: 'labels' })
export class LabelEntity {
  @PrimaryGeneratedColumn()
  id!: number;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
  @Column({ type: 'timestamptz' })
  updated_at!: Date;
  @Column({ type: 'text' })
  name!: string;
  @Column({ type: 'text' })
  description!: string;
  @Column({ type: 'text' })
  query!: string;
  @Column({ type: 'text' })
  platform!: string;
  @Column({ type: 'text' })
  label_type!: LabelType;
  @Column({ type: 'text' })
  label_membership_type!: LabelMembershipType;
}
