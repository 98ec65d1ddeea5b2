import { inject, injectable } from 'inversify';
import type { InvalidationBus } from '../internal/cache/invalidation-bus';
import type { Clock } from '../internal/clock/clock';
import { TYPES } from '../internal/container/identifiers';
import {
  InvalidArgumentError,
  NotFoundError,
  type Datastore,
  type ListOptions,
  type Pack,
  type PackInput,
  type PackService,
  type PackSpecInput,
  type PackStats,
  type PackTargets,
  type PackView,
  type ScheduledQuery,
  type ScheduledQueryOptions,
  type ScheduledQueryPatch,
} from '../internal/fleet';
import { ADVISORY_COUNTS, AdvisoryCache } from './advisory-cache';
import { checkPackSpecReferences, checkPackSpecs } from './pack-specs';
import { checkScheduleOptions } from './schedule-validation';
import { EMPTY, MISSING } from './user-validation';

/** How many unknown ids an error message lists before it stops. */
const LISTED_IDS = 10;

/**
 * Packs, scheduled queries and pack specs (spec rest-api.md §11) with the policy's fixes:
 * a pack needs a non-empty name, targets must name existing hosts and labels, schedule
 * options are validated (interval, shard, platform, version), a missing pack, query or
 * scheduled query is a 404, a duplicate pack name a 409. Every write tells the agent path
 * (through the bus) to rebuild configs at once.
 *
 * A pack's total_hosts_count of 10,000 hosts or more is reused for a few seconds (see
 * ADVISORY_COUNTS for the staleness bound; any pack, label or host write drops it);
 * query_count and smaller host counts are always exact.
 */
@injectable()
export class PackServiceImpl implements PackService {
  private readonly hostCounts: AdvisoryCache<number, number>;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.InvalidationBus) private readonly bus: InvalidationBus,
    @inject(TYPES.Clock) clock: Clock,
  ) {
    this.hostCounts = new AdvisoryCache(clock, {
      freshMs: ADVISORY_COUNTS.FRESH_MS,
      maxAgeMs: ADVISORY_COUNTS.MAX_AGE_MS,
      maxEntries: ADVISORY_COUNTS.MAX_ENTRIES,
      keep: (n) => n >= ADVISORY_COUNTS.MIN_CACHED_COUNT,
    });
    bus.subscribe((event) => {
      if (event.kind !== 'app-config-changed') this.hostCounts.clear();
    });
  }

  async newPack(input: PackInput): Promise<PackView> {
    const invalid = new InvalidArgumentError();
    if (input.name === undefined) invalid.append('name', MISSING);
    else if (input.name === '') invalid.append('name', EMPTY);
    invalid.throwIfAny();
    const targets = await this.checkTargets({ host_ids: input.host_ids ?? [], label_ids: input.label_ids ?? [] });
    const pack = await this.ds.newPack(
      {
        name: input.name!,
        description: input.description ?? '',
        platform: input.platform ?? '',
        disabled: input.disabled ?? false,
      },
      targets,
    );
    this.changed();
    return this.view(pack);
  }

  async modifyPack(id: number, patch: PackInput): Promise<PackView> {
    if (patch.name === '') throw new InvalidArgumentError('name', EMPTY);
    const current = await this.ds.pack(id);
    let targets: PackTargets | undefined;
    if (patch.host_ids !== undefined || patch.label_ids !== undefined) {
      const existing = (await this.ds.packTargets([id])).get(id) ?? { host_ids: [], label_ids: [] };
      targets = await this.checkTargets({
        host_ids: patch.host_ids ?? existing.host_ids,
        label_ids: patch.label_ids ?? existing.label_ids,
      });
    }
    const saved = await this.ds.savePack(
      {
        ...current,
        name: patch.name ?? current.name,
        description: patch.description ?? current.description,
        platform: patch.platform ?? current.platform,
        disabled: patch.disabled ?? current.disabled,
      },
      targets,
    );
    this.changed();
    return this.view(saved);
  }

  async pack(id: number): Promise<PackView> {
    return this.view(await this.ds.pack(id));
  }

  async listPacks(opts: ListOptions): Promise<PackView[]> {
    const packs = await this.ds.listPacks(opts);
    if (packs.length === 0) return [];
    const ids = packs.map((p) => p.id);
    const [targets, stats] = await Promise.all([this.ds.packTargets(ids), this.stats(ids)]);
    return packs.map((pack) => ({
      pack,
      targets: targets.get(pack.id) ?? { host_ids: [], label_ids: [] },
      stats: stats.get(pack.id) ?? { query_count: 0, total_hosts_count: 0 },
    }));
  }

  async deletePack(name: string): Promise<void> {
    const pack = await this.ds.packByName(name);
    // Fleet names the table here: `packs <name> was not found in the datastore`.
    if (!pack) throw new NotFoundError('packs', name);
    await this.ds.deletePack(pack.id);
    this.changed();
  }

  async deletePackById(id: number): Promise<void> {
    await this.ds.deletePack(id);
    this.changed();
  }

  async listScheduledQueries(packId: number, opts: ListOptions): Promise<ScheduledQuery[]> {
    await this.ds.pack(packId); // an unknown pack is a 404, not an empty list
    return this.ds.listScheduledQueriesInPack(packId, opts);
  }

  async scheduleQuery(packId: number, queryId: number, options: ScheduledQueryOptions): Promise<ScheduledQuery> {
    const invalid = new InvalidArgumentError();
    checkScheduleOptions(invalid, options);
    invalid.throwIfAny();
    await this.ds.pack(packId);
    await this.ds.query(queryId);
    const sq = await this.ds.newScheduledQuery(packId, queryId, options);
    this.changed();
    return sq;
  }

  async scheduledQuery(id: number): Promise<ScheduledQuery> {
    return this.existingScheduled(id);
  }

  async modifyScheduledQuery(id: number, patch: ScheduledQueryPatch): Promise<ScheduledQuery> {
    const invalid = new InvalidArgumentError();
    checkScheduleOptions(invalid, patch);
    invalid.throwIfAny();
    const current = await this.existingScheduled(id);
    if (patch.query_id !== undefined && patch.query_id !== current.query_id) {
      // Fleet silently ignored this (the scheduled query follows its query by name).
      throw new InvalidArgumentError('query_id', 'cannot be changed: schedule the other query instead');
    }
    if (patch.pack_id !== undefined && patch.pack_id !== current.pack_id) await this.ds.pack(patch.pack_id);
    const keep = <T>(v: T | undefined, old: T): T => (v === undefined ? old : v);
    const saved = await this.ds.saveScheduledQuery({
      ...current,
      pack_id: keep(patch.pack_id, current.pack_id),
      interval: keep(patch.interval, current.interval),
      snapshot: keep(patch.snapshot, current.snapshot),
      removed: keep(patch.removed, current.removed),
      platform: keep(patch.platform, current.platform),
      version: keep(patch.version, current.version),
      shard: keep(patch.shard, current.shard),
      denylist: keep(patch.denylist, current.denylist),
      description: keep(patch.description, current.description),
    });
    this.changed();
    return saved;
  }

  async deleteScheduledQuery(id: number): Promise<void> {
    await this.existingScheduled(id);
    await this.ds.deleteScheduledQuery(id);
    this.changed();
  }

  async applyPackSpecs(specs: PackSpecInput[]): Promise<void> {
    checkPackSpecs(specs);
    if (specs.length === 0) return;
    await checkPackSpecReferences(specs, {
      query: async (name) => (await this.ds.queryByName(name)) !== null,
      label: async (name) => (await this.ds.labelByName(name)) !== null,
    });
    await this.ds.applyPackSpecs(specs);
    this.changed();
  }

  packSpecs(): Promise<Array<PackSpecInput & { id: number }>> {
    return this.ds.packSpecs();
  }

  async packSpec(name: string): Promise<PackSpecInput & { id: number }> {
    const pack = await this.ds.packByName(name);
    const spec = pack ? (await this.ds.packSpecs()).find((s) => s.id === pack.id) : undefined;
    if (!spec) throw new NotFoundError('Pack', name);
    return spec;
  }

  /** Fleet's text for a missing scheduled query names the table (`scheduled_queries <id> …`). */
  private async existingScheduled(id: number): Promise<ScheduledQuery> {
    try {
      return await this.ds.scheduledQuery(id);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError('scheduled_queries', id);
      throw err;
    }
  }

  /**
   * Policy: targets must exist (Fleet stored unknown ids, which then silently matched
   * nothing). Duplicates are dropped. 422 naming the field and the unknown ids.
   */
  private async checkTargets(targets: PackTargets): Promise<PackTargets> {
    const hostIds = [...new Set(targets.host_ids)];
    const labelIds = [...new Set(targets.label_ids)];
    const invalid = new InvalidArgumentError();
    if (hostIds.length > 0) {
      const found = new Set(await this.ds.hostIdsInTargets({ host_ids: hostIds, label_ids: [] }));
      const unknown = hostIds.filter((id) => !found.has(id));
      if (unknown.length > 0) invalid.append('host_ids', `unknown host ids: ${listIds(unknown)}`);
    }
    if (labelIds.length > 0) {
      const found = new Set((await this.ds.listLabels()).map((l) => l.id));
      const unknown = labelIds.filter((id) => !found.has(id));
      if (unknown.length > 0) invalid.append('label_ids', `unknown label ids: ${listIds(unknown)}`);
    }
    invalid.throwIfAny();
    return { host_ids: hostIds, label_ids: labelIds };
  }

  private async view(pack: Pack): Promise<PackView> {
    const [targets, stats] = await Promise.all([this.ds.packTargets([pack.id]), this.stats([pack.id])]);
    return {
      pack,
      targets: targets.get(pack.id) ?? { host_ids: [], label_ids: [] },
      stats: stats.get(pack.id) ?? { query_count: 0, total_hosts_count: 0 },
    };
  }

  /**
   * packStats, with large host counts from the advisory cache: the exact query counts (one
   * cheap statement) alongside packStats of the packs whose host count is not cached.
   */
  private async stats(ids: number[]): Promise<Map<number, PackStats>> {
    const [queryCounts, hostCounts] = await Promise.all([
      this.ds.packQueryCounts(ids),
      this.hostCounts.get(ids, async (missing) => {
        const stats = await this.ds.packStats(missing);
        return new Map([...stats].map(([id, s]) => [id, s.total_hosts_count]));
      }),
    ]);
    return new Map(ids.map((id) => [id, { query_count: queryCounts.get(id) ?? 0, total_hosts_count: hostCounts.get(id) ?? 0 }]));
  }

  private changed(): void {
    this.bus.publish({ kind: 'agent-config-changed' });
  }
}

function listIds(ids: number[]): string {
  const shown = ids.slice(0, LISTED_IDS).join(', ');
  return ids.length > LISTED_IDS ? `${shown}, … (${ids.length} in all)` : shown;
}
