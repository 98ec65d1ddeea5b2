import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OptionsSpec } from '../../../internal/fleet';

/** The single osquery-options row (id is always 1): default config and platform overrides. */
@Entity({ name: 'osquery_options' })
export class OsqueryOptionsEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;
  @Column({ type: 'jsonb' })
  config!: OptionsSpec['config'];
  @Column({ type: 'jsonb' })
  overrides!: OptionsSpec['overrides'];
  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
