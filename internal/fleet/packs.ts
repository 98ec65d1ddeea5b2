import type { ListOptions } from './list-options';

export interface Pack {
  id: number;
  created_at: Date;
  updated_at: Date;
  name: string;
  description: string;
  platform: string;
  disabled: boolean;
}

export type NewPack = Omit<Pack, 'id' | 'created_at' | 'updated_at'>;

/** Explicit targets of a pack: hosts by id and labels by id. */
export interface PackTargets {
  host_ids: number[];
  label_ids: number[];
}

/** Derived facts of a pack response. */
export interface PackStats {
  /** Scheduled queries in the pack. */
  query_count: number;
  /** Distinct existing hosts targeted directly or through a target label. */
  total_hosts_count: number;
}

export const PACK_ORDER_KEYS = ['id', 'created_at', 'updated_at', 'name', 'description', 'platform', 'disabled'] as const;

export interface ScheduledQuery {
  id: number;
  created_at: Date;
  updated_at: Date;
  pack_id: number;
  /** Unique within the pack. */
  name: string;
  query_id: number;
  query_name: string;
  /** The SQL of the referenced query. */
  query: string;
  description: string;
  interval: number;
  snapshot: boolean | null;
  removed: boolean | null;
  platform: string | null;
  version: string | null;
  shard: number | null;
  denylist: boolean | null;
}

/** The settable fields of a scheduled query. */
export type ScheduledQueryOptions = Pick<
  ScheduledQuery,
  'interval' | 'snapshot' | 'removed' | 'platform' | 'version' | 'shard' | 'denylist' | 'description'
>;

export const SCHEDULED_QUERY_ORDER_KEYS = ['id', 'name', 'interval', 'query_name', 'created_at', 'updated_at'] as const;

export interface PackSpecQueryInput extends Partial<Omit<ScheduledQueryOptions, 'interval' | 'description'>> {
  /** Name of the saved query to schedule. */
  query: string;
  /** Scheduled-query name; defaults to `query`. */
  name: string;
  description: string;
  interval: number;
}

/** A pack spec as `fleetctl apply` sends it (already validated). */
export interface PackSpecInput {
  name: string;
  description: string;
  platform: string;
  disabled: boolean;
  /** Label names; every one must exist. */
  targets: { labels: string[] };
  queries: PackSpecQueryInput[];
}

/** A pack with what an agent's config needs: its scheduled queries. */
export interface PackWithQueries {
  pack: Pack;
  queries: ScheduledQuery[];
}

export interface PackStore {
  /** Creates the pack and its targets in one transaction. AlreadyExistsError('Pack', name). */
  newPack(pack: NewPack, targets: PackTargets): Promise<Pack>;
  /** Throws NotFoundError('Pack', id). */
  pack(id: number): Promise<Pack>;
  /** Case-insensitive; null when none. */
  packByName(name: string): Promise<Pack | null>;
  listPacks(opts: ListOptions): Promise<Pack[]>;
  /** Saves the scalar fields and, when given, replaces the explicit targets (one transaction). */
  savePack(pack: Pack, targets?: PackTargets): Promise<Pack>;
  /** Deletes the pack, its targets and scheduled queries. NotFoundError('Pack', id). */
  deletePack(id: number): Promise<void>;
  /** Explicit targets that still exist, per pack id. */
  packTargets(packIds: number[]): Promise<Map<number, PackTargets>>;
  /** query_count and total_hosts_count per pack id, computed in one round trip. */
  packStats(packIds: number[]): Promise<Map<number, PackStats>>;
  /** packStats' query_count alone (cheap: no host counting), per pack id; every id given has an entry. */
  packQueryCounts(packIds: number[]): Promise<Map<number, number>>;
  /**
   * Creates or replaces packs by name in one transaction (all or nothing): scalar fields
   * overwritten, scheduled queries and targets replaced. NotFoundError('Query', name) /
   * NotFoundError('Label', name) when a spec names an unknown query or label.
   */
  applyPackSpecs(specs: PackSpecInput[]): Promise<void>;
  /** Every pack as a spec (label target names, scheduled queries in id order). */
  packSpecs(): Promise<Array<PackSpecInput & { id: number }>>;

  /** Name derived from the query (`q`, `q-1`, `q-1-1`… unique in the pack). NotFoundError for an unknown pack or query. */
  newScheduledQuery(packId: number, queryId: number, options: ScheduledQueryOptions): Promise<ScheduledQuery>;
  /** Throws NotFoundError('ScheduledQuery', id). */
  scheduledQuery(id: number): Promise<ScheduledQuery>;
  /** Saves pack_id and the options. NotFoundError for the scheduled query or a new pack id. */
  saveScheduledQuery(sq: ScheduledQuery): Promise<ScheduledQuery>;
  /** Throws NotFoundError('ScheduledQuery', id). */
  deleteScheduledQuery(id: number): Promise<void>;
  listScheduledQueriesInPack(packId: number, opts: ListOptions): Promise<ScheduledQuery[]>;
  /** Packs (one entry per scheduled query) that schedule this query. */
  packsForQuery(queryId: number): Promise<Pack[]>;
  /** packsForQuery of many queries in one round trip (query lists): every id given has an entry. */
  packsForQueries(queryIds: number[]): Promise<Map<number, Pack[]>>;

  /**
   * What agent configs are built from: every pack with its scheduled queries and explicit
   * targets, in one read (the agent path caches it and reloads on `agent-config-changed`).
   */
  allPacksForAgents(): Promise<Array<PackWithQueries & { targets: PackTargets }>>;
}
