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
}
