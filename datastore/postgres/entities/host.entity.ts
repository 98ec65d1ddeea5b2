import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Transforms Postgres bigint (returned as a string by `pg`) to a JS number. */
const bigintAsNumber = { to: (v: number) => v, from: (v: string | number | null) => (v === null ? 0 : Number(v)) };

/**
 * `hosts`. Property names are the column names (Fleet's: host_name, physical_memory,
 * detail_update_time…); hosts.repository.ts maps rows to the domain's JSON names. The
 * generated `search_text` column is left out: it is only ever read by the search SQL.
 * seen_time is in HostSeenTimeEntity (`host_seen_times`), away from this wide, indexed row.
 */
@Entity({ name: 'hosts' })
export class HostEntity {
  @PrimaryGeneratedColumn()
  id!: number;
  @Column({ type: 'timestamptz' })
  created_at!: Date;
  @Column({ type: 'timestamptz' })
  updated_at!: Date;
  @Column({ type: 'timestamptz' })
  detail_update_time!: Date;
  @Column({ type: 'timestamptz' })
  label_update_time!: Date;
  @Column({ type: 'timestamptz' })
  last_enroll_time!: Date;
  @Column({ type: 'text' })
  osquery_host_id!: string;
  @Column({ type: 'text' })
  node_key_hash!: string;
  @Column({ type: 'text' })
  enroll_secret_name!: string;
  @Column({ type: 'text' })
  host_name!: string;
  @Column({ type: 'text' })
  uuid!: string;
  @Column({ type: 'text' })
  platform!: string;
  @Column({ type: 'text' })
  osquery_version!: string;
  @Column({ type: 'text' })
  os_version!: string;
  @Column({ type: 'text' })
  build!: string;
  @Column({ type: 'text' })
  platform_like!: string;
  @Column({ type: 'text' })
  code_name!: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  uptime!: number;
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  physical_memory!: number;
  @Column({ type: 'text' })
  cpu_type!: string;
  @Column({ type: 'text' })
  cpu_subtype!: string;
  @Column({ type: 'text' })
  cpu_brand!: string;
  @Column({ type: 'integer' })
  cpu_physical_cores!: number;
  @Column({ type: 'integer' })
  cpu_logical_cores!: number;
  @Column({ type: 'text' })
  hardware_vendor!: string;
  @Column({ type: 'text' })
  hardware_model!: string;
  @Column({ type: 'text' })
  hardware_version!: string;
  @Column({ type: 'text' })
  hardware_serial!: string;
  @Column({ type: 'text' })
  computer_name!: string;
  @Column({ type: 'varchar', length: 45 })
  primary_ip!: string;
  @Column({ type: 'varchar', length: 17 })
  primary_mac!: string;
  @Column({ type: 'integer' })
  distributed_interval!: number;
  @Column({ type: 'integer' })
  config_tls_refresh!: number;
  @Column({ type: 'integer' })
  logger_tls_period!: number;
  @Column({ type: 'jsonb', nullable: true })
  additional!: Record<string, unknown> | null;
}
