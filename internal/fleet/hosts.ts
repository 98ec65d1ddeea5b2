import type { ListOptions } from './list-options';

/** Facts the agent reports about itself (detail queries and enrollment details). */
export interface HostDetails {
  hostname: string;
  uuid: string;
  platform: string;
  osquery_version: string;
  os_version: string;
  build: string;
  platform_like: string;
  code_name: string;
  /** Seconds (the API shows nanoseconds, Fleet's quirk). */
  uptime: number;
  /** Bytes. */
  memory: number;
  cpu_type: string;
  cpu_subtype: string;
  cpu_brand: string;
  cpu_physical_cores: number;
  cpu_logical_cores: number;
  hardware_vendor: string;
  hardware_model: string;
  hardware_version: string;
  hardware_serial: string;
  computer_name: string;
  primary_ip: string;
  primary_mac: string;
  distributed_interval: number;
  config_tls_refresh: number;
  logger_tls_period: number;
  /** Results of app-config `additional_queries`, by name; null until reported. */
  additional: Record<string, unknown> | null;
}

/** An enrolled osquery agent. Field names are Fleet's JSON names. */
export interface Host extends HostDetails {
  id: number;
  created_at: Date;
  updated_at: Date;
  detail_updated_at: Date;
  label_updated_at: Date;
  last_enrolled_at: Date;
  seen_time: Date;
  enroll_secret_name: string;
  /** The identifier osquery enrolled with (unique). Never serialised. */
  osquery_host_id: string;
  /** SHA-256 of the node key. Never serialised; the key itself is never stored. */
  node_key_hash: string;
}

/** What enrollment stamps on a new host's detail/label times: epoch + 24 h ("very stale"). */
export const NEVER_UPDATED = new Date('1970-01-02T00:00:00Z');

export type HostStatus = 'online' | 'offline' | 'mia' | 'new';
export const HOST_STATUSES: readonly HostStatus[] = ['online', 'offline', 'mia', 'new'];

/** Fleet's `order_key` names for hosts (database column names, with `hostname` accepted too). */
export const HOST_ORDER_KEYS = [
  'id',
  'created_at',
  'updated_at',
  'host_name',
  'hostname',
  'uuid',
  'platform',
  'osquery_version',
  'os_version',
  'uptime',
  'physical_memory',
  'memory',
  'cpu_type',
  'hardware_vendor',
  'hardware_model',
  'hardware_serial',
  'computer_name',
  'primary_ip',
  'seen_time',
  'detail_update_time',
  'detail_updated_at',
  'label_update_time',
  'label_updated_at',
  'last_enroll_time',
  'last_enrolled_at',
  'enroll_secret_name',
] as const;

export interface HostListOptions extends ListOptions {
  /** Status filter, evaluated at `now` with the rules of spec §4 (SQL-aggregate boundaries). */
  status?: HostStatus;
  /** Case-insensitive substring of hostname, uuid, hardware_serial or primary_ip. */
  query?: string;
  /** Only members of this label. */
  labelId?: number;
  now: Date;
}

export interface HostStatusSummary {
  online_count: number;
  offline_count: number;
  mia_count: number;
  new_count: number;
}

export interface EnrollInput {
  osqueryHostId: string;
  nodeKeyHash: string;
  enrollSecretName: string;
  now: Date;
  /** Facts from the enroll request's host_details, applied to the row. */
  details: Partial<HostDetails>;
}

export interface EnrollResult {
  host: Host;
  /** The node-key hash this enrollment replaced (re-enrollment), so caches can drop it. */
  replacedNodeKeyHash: string | null;
}

/** A partial update of one host after a check-in; nothing here touches seen_time. */
export interface HostUpdate {
  details?: Partial<HostDetails>;
  detail_updated_at?: Date;
  /** Label results: membership iff true; sets label_updated_at = `at`. */
  labels?: { results: Array<[labelId: number, member: boolean]>; at: Date };
}

export interface HostStore {
  /**
   * Upsert by osquery host identifier in one transaction. A new host gets detail/label
   * times NEVER_UPDATED, seen_time = now, last_enrolled_at = now; an existing one keeps
   * its row and facts but gets the new node key, enroll secret name and last_enrolled_at.
   * Either way the host becomes a member of the builtin "All Hosts" label.
   */
  enrollHost(input: EnrollInput): Promise<EnrollResult>;
  hostByNodeKeyHash(nodeKeyHash: string): Promise<Host | null>;
  /** Throws NotFoundError('Host', id). */
  host(id: number): Promise<Host>;
  /** First host whose hostname, osquery host id or uuid equals `identifier` (case-insensitive). */
  hostByIdentifier(identifier: string): Promise<Host | null>;
  listHosts(opts: HostListOptions): Promise<Host[]>;
  hostStatusSummary(now: Date): Promise<HostStatusSummary>;
  /** Deletes the host (memberships cascade) and returns it. NotFoundError('Host', id). */
  deleteHost(id: number): Promise<Host>;
  /** Applies a check-in's results atomically (all or nothing). NotFoundError if the host is gone. */
  updateHost(id: number, update: HostUpdate): Promise<void>;
  /** Sets seen_time for many hosts in one statement. Unknown ids are ignored. */
  markHostsSeen(ids: number[], at: Date): Promise<void>;
  /** Deletes hosts last seen before `cutoff` (host expiry); returns their node-key hashes. */
  deleteHostsSeenBefore(cutoff: Date): Promise<string[]>;
  /** Deletes hosts that never reported details (no hostname and no osquery version) created before `cutoff`. */
  deleteIncomingHosts(createdBefore: Date): Promise<string[]>;
}
