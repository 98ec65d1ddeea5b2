import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `host_seen_times`: one row per host (inserted with the host, deleted with it by the
 * foreign key's cascade). Narrow so that the per-second seen_time batch rewrites small
 * rows with two index entries instead of the wide hosts row and all its indexes.
 */
@Entity({ name: 'host_seen_times' })
export class HostSeenTimeEntity {
  @PrimaryColumn({ type: 'integer' })
  host_id!: number;
  @Column({ type: 'timestamptz' })
  seen_time!: Date;
  /**
   * The online window in seconds, min(distributed_interval, config_tls_refresh) + 30, a copy
   * of the hosts row's intervals kept current by HostsRepository (enroll, detail updates),
   * so the status counts and filters read this table alone.
   */
  @Column({ type: 'integer', default: 30 })
  online_window_s!: number;
}
