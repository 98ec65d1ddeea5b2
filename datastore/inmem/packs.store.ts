import {
  AlreadyExistsError,
  NotFoundError,
  type ListOptions,
  type NewPack,
  type Pack,
  type PackSpecInput,
  type PackStats,
  type PackStore,
  type PackTargets,
  type PackWithQueries,
  type ScheduledQuery,
  type ScheduledQueryOptions,
} from '../../internal/fleet';
import { PACK_ORDER_FIELDS, SCHEDULED_QUERY_ORDER_FIELDS } from '../order-fields';
import { packSpecNames, planPackSpecs, rowIds, scheduledQueryOptions, scheduledQuerySpec, uniqueScheduledQueryName } from '../pack-fields';
import { listPage } from './list';
import { copy, sameFolded, type InmemTables, type StoredScheduledQuery } from './tables';

export class InmemPackStore implements PackStore {
  constructor(private readonly t: InmemTables) {}

  async newPack(input: NewPack, targets: PackTargets): Promise<Pack> {
    this.assertNameFree(input.name);
    const now = new Date();
    const pack: Pack = { ...packFields(input), id: this.t.packIds.nextId(), created_at: now, updated_at: new Date(now.getTime()) };
    this.t.packs.set(pack.id, pack);
    this.t.packTargets.set(pack.id, { hosts: new Set(rowIds(targets.host_ids)), labels: new Set(rowIds(targets.label_ids)) });
    return copy(pack);
  }

  async pack(id: number): Promise<Pack> {
    return copy(this.find(id));
  }

  async packByName(name: string): Promise<Pack | null> {
    const found = this.byName(name);
    return found ? copy(found) : null;
  }

  async listPacks(opts: ListOptions): Promise<Pack[]> {
    return copy(listPage(this.t.packs.values(), opts, PACK_ORDER_FIELDS));
  }

  async savePack(pack: Pack, targets?: PackTargets): Promise<Pack> {
    const stored = this.find(pack.id);
    this.assertNameFree(pack.name, pack.id);
    const saved: Pack = { ...packFields(pack), id: stored.id, created_at: stored.created_at, updated_at: new Date() };
    this.t.packs.set(saved.id, saved);
    if (targets) this.t.packTargets.set(saved.id, { hosts: new Set(rowIds(targets.host_ids)), labels: new Set(rowIds(targets.label_ids)) });
    return copy(saved);
  }

  async deletePack(id: number): Promise<void> {
    this.find(id);
    this.removePack(id);
  }

  async packTargets(packIds: number[]): Promise<Map<number, PackTargets>> {
    return new Map(packIds.map((id) => [id, this.existingTargets(id)]));
  }

  async packStats(packIds: number[]): Promise<Map<number, PackStats>> {
    const queryCounts = new Map<number, number>();
    for (const sq of this.t.scheduledQueries.values()) queryCounts.set(sq.pack_id, (queryCounts.get(sq.pack_id) ?? 0) + 1);
    const out = new Map<number, PackStats>();
    for (const id of packIds) {
      out.set(id, { query_count: queryCounts.get(id) ?? 0, total_hosts_count: this.targetedHosts(id).size });
    }
    return out;
  }

  async packQueryCounts(packIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>(packIds.map((id) => [id, 0]));
    for (const sq of this.t.scheduledQueries.values()) if (out.has(sq.pack_id)) out.set(sq.pack_id, out.get(sq.pack_id)! + 1);
    return out;
  }

  async applyPackSpecs(specs: PackSpecInput[]): Promise<void> {
    const names = packSpecNames(specs);
    const queryIds = new Map<string, number>();
    for (const q of this.t.queries.values()) if (names.queries.includes(q.name.toLowerCase())) queryIds.set(q.name.toLowerCase(), q.id);
    const labelIds = new Map<string, number>();
    for (const l of this.t.labels.values()) if (names.labels.includes(l.name.toLowerCase())) labelIds.set(l.name.toLowerCase(), l.id);
    // Every check before any change: all or nothing, as the Postgres transaction is.
    const plans = planPackSpecs(specs, queryIds, labelIds);
    for (const plan of plans) {
      const fields: NewPack = { name: plan.name, description: plan.description, platform: plan.platform, disabled: plan.disabled };
      const existing = this.byName(plan.name);
      let pack: Pack;
      if (existing) {
        pack = { ...existing, ...fields, updated_at: new Date() };
      } else {
        const now = new Date();
        pack = { ...fields, id: this.t.packIds.nextId(), created_at: now, updated_at: new Date(now.getTime()) };
      }
      this.t.packs.set(pack.id, pack);
      for (const [sqId, sq] of this.t.scheduledQueries) if (sq.pack_id === pack.id) this.t.scheduledQueries.delete(sqId);
      for (const q of plan.queries) {
        const { name, query_id, ...options } = q;
        this.insertScheduledQuery(pack.id, query_id, name, options);
      }
      this.t.packTargets.set(pack.id, { hosts: new Set(), labels: new Set(plan.labelIds) });
    }
  }

  async packSpecs(): Promise<Array<PackSpecInput & { id: number }>> {
    return this.packsInIdOrder().map((pack) => ({
      id: pack.id,
      name: pack.name,
      description: pack.description,
      platform: pack.platform,
      disabled: pack.disabled,
      targets: { labels: this.existingTargets(pack.id).label_ids.map((id) => this.t.labels.get(id)!.name) },
      queries: this.scheduledQueriesOf(pack.id).map(scheduledQuerySpec),
    }));
  }

  async newScheduledQuery(packId: number, queryId: number, options: ScheduledQueryOptions): Promise<ScheduledQuery> {
    this.find(packId);
    const query = this.t.queries.get(queryId);
    if (!query) throw new NotFoundError('Query', queryId);
    const taken = new Set([...this.t.scheduledQueries.values()].filter((sq) => sq.pack_id === packId).map((sq) => sq.name));
    const sq = this.insertScheduledQuery(packId, queryId, uniqueScheduledQueryName(query.name, taken), scheduledQueryOptions(options));
    return this.view(sq);
  }

  async scheduledQuery(id: number): Promise<ScheduledQuery> {
    return this.view(this.findScheduledQuery(id));
  }

  async saveScheduledQuery(sq: ScheduledQuery): Promise<ScheduledQuery> {
    const stored = this.findScheduledQuery(sq.id);
    this.find(sq.pack_id);
    for (const other of this.t.scheduledQueries.values()) {
      if (other.id !== stored.id && other.pack_id === sq.pack_id && other.name === stored.name) {
        throw new AlreadyExistsError('ScheduledQuery', stored.name);
      }
    }
    const saved: StoredScheduledQuery = {
      ...stored,
      ...scheduledQueryOptions(sq),
      pack_id: sq.pack_id,
      updated_at: new Date(),
    };
    this.t.scheduledQueries.set(saved.id, saved);
    return this.view(saved);
  }

  async deleteScheduledQuery(id: number): Promise<void> {
    this.findScheduledQuery(id);
    this.t.scheduledQueries.delete(id);
  }

  async listScheduledQueriesInPack(packId: number, opts: ListOptions): Promise<ScheduledQuery[]> {
    const rows = [...this.t.scheduledQueries.values()].filter((sq) => sq.pack_id === packId).map((sq) => this.view(sq));
    return listPage(rows, opts, SCHEDULED_QUERY_ORDER_FIELDS);
  }

  async packsForQuery(queryId: number): Promise<Pack[]> {
    return (await this.packsForQueries([queryId])).get(queryId)!;
  }

  async packsForQueries(queryIds: number[]): Promise<Map<number, Pack[]>> {
    const out = new Map<number, Pack[]>(queryIds.map((id) => [id, []]));
    for (const sq of this.scheduledQueriesInIdOrder()) {
      const packs = out.get(sq.query_id);
      if (packs) packs.push(copy(this.t.packs.get(sq.pack_id)!));
    }
    return out;
  }

  async allPacksForAgents(): Promise<Array<PackWithQueries & { targets: PackTargets }>> {
    return this.packsInIdOrder().map((pack) => ({
      pack: copy(pack),
      queries: this.scheduledQueriesOf(pack.id),
      targets: this.existingTargets(pack.id),
    }));
  }

  private insertScheduledQuery(packId: number, queryId: number, name: string, options: ScheduledQueryOptions): StoredScheduledQuery {
    const now = new Date();
    const sq: StoredScheduledQuery = {
      ...scheduledQueryOptions(options),
      id: this.t.scheduledQueryIds.nextId(),
      created_at: now,
      updated_at: new Date(now.getTime()),
      pack_id: packId,
      query_id: queryId,
      name,
    };
    this.t.scheduledQueries.set(sq.id, sq);
    return sq;
  }

  /** A copy with the query's name and SQL, as the SQL's join reads them. */
  private view(sq: StoredScheduledQuery): ScheduledQuery {
    const query = this.t.queries.get(sq.query_id)!;
    return { ...copy(sq), query_name: query.name, query: query.query };
  }

  private scheduledQueriesInIdOrder(): StoredScheduledQuery[] {
    return [...this.t.scheduledQueries.values()].sort((a, b) => a.id - b.id);
  }

  private scheduledQueriesOf(packId: number): ScheduledQuery[] {
    return this.scheduledQueriesInIdOrder()
      .filter((sq) => sq.pack_id === packId)
      .map((sq) => this.view(sq));
  }

  private packsInIdOrder(): Pack[] {
    return [...this.t.packs.values()].sort((a, b) => a.id - b.id);
  }

  /** Explicit targets that exist now, ascending ids. */
  private existingTargets(packId: number): PackTargets {
    const targets = this.t.packTargets.get(packId);
    if (!targets) return { host_ids: [], label_ids: [] };
    return {
      host_ids: [...targets.hosts].filter((id) => this.t.hosts.has(id)).sort((a, b) => a - b),
      label_ids: [...targets.labels].filter((id) => this.t.labels.has(id)).sort((a, b) => a - b),
    };
  }

  /** Distinct existing hosts targeted directly or as members of a target label. */
  private targetedHosts(packId: number): Set<number> {
    const targets = this.t.packTargets.get(packId);
    const hosts = new Set<number>();
    if (!targets) return hosts;
    for (const id of targets.hosts) if (this.t.hosts.has(id)) hosts.add(id);
    if (targets.labels.size > 0) {
      for (const [hostId, mine] of this.t.memberships) {
        if (!this.t.hosts.has(hostId)) continue;
        for (const labelId of targets.labels) {
          if (mine.has(labelId)) {
            hosts.add(hostId);
            break;
          }
        }
      }
    }
    return hosts;
  }

  private find(id: number): Pack {
    const pack = this.t.packs.get(id);
    if (!pack) throw new NotFoundError('Pack', id);
    return pack;
  }

  private findScheduledQuery(id: number): StoredScheduledQuery {
    const sq = this.t.scheduledQueries.get(id);
    if (!sq) throw new NotFoundError('ScheduledQuery', id);
    return sq;
  }

  private byName(name: string): Pack | undefined {
    for (const p of this.t.packs.values()) if (sameFolded(p.name, name)) return p;
    return undefined;
  }

  private assertNameFree(name: string, exceptId?: number): void {
    const other = this.byName(name);
    if (other && other.id !== exceptId) throw new AlreadyExistsError('Pack', name);
  }

  /** The pack, its targets and (ON DELETE CASCADE) its scheduled queries. */
  private removePack(id: number): void {
    this.t.packs.delete(id);
    this.t.packTargets.delete(id);
    for (const [sqId, sq] of this.t.scheduledQueries) if (sq.pack_id === id) this.t.scheduledQueries.delete(sqId);
  }
}

/** Only the stored fields, whatever else the caller's object carries. */
function packFields(p: NewPack): NewPack {
  return { name: p.name, description: p.description, platform: p.platform, disabled: p.disabled };
}
