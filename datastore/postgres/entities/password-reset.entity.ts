import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'password_reset_requests' })
export class PasswordResetEntity {
  @PrimaryGeneratedColumn()
  id!: number;
  @Column({ type: 'integer' })
  user_id!: number;
  @Column({ type: 'text' })
  token_hash!: string;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
  @Column({ type: 'timestamptz' })
  expires_at!: Date;
}
