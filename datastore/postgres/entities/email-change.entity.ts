import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'email_changes' })
export class EmailChangeEntity {
  @PrimaryGeneratedColumn()
  id!: number;
  /** Unique: a user has at most one pending change. */
  @Column({ type: 'integer' })
  user_id!: number;
  @Column({ type: 'text' })
  token_hash!: string;
  @Column({ type: 'text' })
  new_email!: string;
}
