import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'invites' })
export class InviteEntity {
  @PrimaryGeneratedColumn()
  id!: number;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
  @Column({ type: 'timestamptz' })
  updated_at!: Date;
  @Column({ type: 'integer' })
  invited_by!: number;
  @Column({ type: 'text' })
  email!: string;
  @Column({ type: 'boolean' })
  admin!: boolean;
  @Column({ type: 'text' })
  name!: string;
  @Column({ type: 'text' })
  position!: string;
  @Column({ type: 'boolean' })
  sso_enabled!: boolean;
  @Column({ type: 'text' })
  token_hash!: string;
}
