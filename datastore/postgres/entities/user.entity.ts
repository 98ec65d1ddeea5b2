import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `users`; property names are the column names and the domain's field names. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn()
  id!: number;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
  @Column({ type: 'timestamptz' })
  updated_at!: Date;
  @Column({ type: 'text' })
  username!: string;
  @Column({ type: 'text' })
  name!: string;
  @Column({ type: 'text' })
  email!: string;
  @Column({ type: 'boolean' })
  admin!: boolean;
  @Column({ type: 'boolean' })
  enabled!: boolean;
  @Column({ type: 'boolean' })
  force_password_reset!: boolean;
  @Column({ type: 'text' })
  gravatar_url!: string;
  @Column({ type: 'text' })
  position!: string;
  @Column({ type: 'boolean' })
  sso_enabled!: boolean;
  @Column({ type: 'text' })
  password_hash!: string;
  @Column({ type: 'text' })
  salt!: string;
}
