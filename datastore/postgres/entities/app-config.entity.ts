import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AppConfig } from '../../../internal/fleet';

/** The single app-config row (id is always 1), the whole config as JSONB. */
@Entity({ name: 'app_configs' })
export class AppConfigEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;
  @Column({ type: 'jsonb' })
  config!: AppConfig;
  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
