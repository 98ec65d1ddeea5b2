import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryGeneratedColumn()
  id!: number;
  @Column({ type: 'integer' })
  user_id!: number;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
  @Column({ type: 'timestamptz' })
  accessed_at!: Date;
  @Column({ type: 'text' })
  key_hash!: string;
}
