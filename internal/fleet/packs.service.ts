import type { ListOptions } from './list-options';
import type { Pack, PackSpecInput, PackStats, PackTargets, ScheduledQuery, ScheduledQueryOptions } from './packs';

export interface PackView {
  pack: Pack;
  targets: PackTargets;
  stats: PackStats;
}

export interface PackInput {
  name?: string;
  description?: string;
  platform?: string;
  disabled?: boolean;
  host_ids?: number[];
  label_ids?: number[];
}

/**
 * A PATCH of a scheduled query: absent fields keep their value; `shard: null` clears the
 * shard (the other nullable options cannot be cleared by PATCH, as in Fleet).
 */
export type ScheduledQueryPatch = Partial<ScheduledQueryOptions> & { pack_id?: number; query_id?: number };

export interface PackService {
  newPack(input: PackInput): Promise<PackView>;
  modifyPack(id: number, patch: PackInput): Promise<PackView>;
  pack(id: number): Promise<PackView>;
  listPacks(opts: ListOptions): Promise<PackView[]>;
  deletePack(name: string): Promise<void>;
  deletePackById(id: number): Promise<void>;
  listScheduledQueries(packId: number, opts: ListOptions): Promise<ScheduledQuery[]>;
  scheduleQuery(packId: number, queryId: number, options: ScheduledQueryOptions): Promise<ScheduledQuery>;
  scheduledQuery(id: number): Promise<ScheduledQuery>;
  modifyScheduledQuery(id: number, patch: ScheduledQueryPatch): Promise<ScheduledQuery>;
  deleteScheduledQuery(id: number): Promise<void>;
  applyPackSpecs(specs: PackSpecInput[]): Promise<void>;
  packSpecs(): Promise<Array<PackSpecInput & { id: number }>>;
  packSpec(name: string): Promise<PackSpecInput & { id: number }>;
}
