import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'enroll_secrets' })
export class EnrollSecretEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;
  @Column({ type: 'text' })
  secret!: string;
  @Column({ type: 'boolean' })
  active!: boolean;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
}
