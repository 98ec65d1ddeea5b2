// The packs of an agent's config (spec §6 steps 2–4), answered from memory.
//
// - Every pack with its scheduled queries and explicit targets is loaded in one read
//   (`allPacksForAgents`) into an immutable PackIndex, reloaded after `agent-config-changed`
//   (the pack/query/scheduled-query services publish it after every write).
// - Each host's label memberships are loaded once (`labelsForHost`) into a bounded LRU. The
//   agent path tells us when it wrote a host's label results (the delta is applied to the
//   cached set); `labels-changed` (labels created/edited/deleted, manual memberships applied)
//   drops every cached set, `host-changed` drops that host's. Other instances hear of a
//   host's changed memberships through `host-labels-changed` and drop that host's set.
// - The `packs` object is built once per distinct set of applicable pack ids and shared, so
//   the config composed from it (and the JSON text the transport keeps for it) is reused.
//
// Fixed relative to Fleet 3.2.0 (policy, spec README §4): a disabled pack is delivered to
// nobody, whether it targets the host directly or through a label.
import { inject, injectable, optional } from 'inversify';
import type { InvalidationBus, InvalidationEvent } from '../../internal/cache/invalidation-bus';
import { TYPES } from '../../internal/container/identifiers';
import type { AgentHost, Datastore, PackTargets, PackWithQueries, ScheduledQuery } from '../../internal/fleet';
import { CachedValue } from './cached-value';
import type { PackSource } from './seams';

export interface PackSourceOptions {
  /** Most hosts whose label memberships are kept; the least recently used is evicted beyond this. */
  maxHosts: number;
  /** Most distinct pack sets whose `packs` object is memoised per pack generation. */
  maxPackSets: number;
}

export const DEFAULT_PACK_SOURCE_OPTIONS: PackSourceOptions = { maxHosts: 250_000, maxPackSets: 10_000 };

/** Container identifier of optional PackSourceOptions overrides (tests). */
export const PACK_SOURCE_OPTIONS = Symbol.for('PackSourceOptions');

/** osquery's packs object: pack name → `{ platform?, queries }`. Shared; never mutated. */
export type OsqueryPacks = Readonly<Record<string, unknown>>;

type PackRow = PackWithQueries & { targets: PackTargets };

/** One scheduled query as osquery's config carries it (spec §6 step 3). */
export function scheduledQueryConfig(sq: ScheduledQuery): Record<string, unknown> {
  const out: Record<string, unknown> = { query: sq.query, interval: sq.interval };
  if (sq.platform !== null) out.platform = sq.platform;
  if (sq.version !== null) out.version = sq.version;
  if (sq.snapshot === true) out.snapshot = true;
  if (sq.removed !== null) out.removed = sq.removed;
  if (sq.shard !== null) out.shard = sq.shard;
  if (sq.denylist !== null) out.denylist = sq.denylist;
  return out;
}

/** One pack as osquery's config carries it. */
export function packConfig(row: PackWithQueries): Record<string, unknown> {
  const queries: Record<string, unknown> = {};
  for (const sq of [...row.queries].sort((a, b) => a.id - b.id)) queries[sq.name] = Object.freeze(scheduledQueryConfig(sq));
  const out: Record<string, unknown> = {};
  if (row.pack.platform !== '') out.platform = row.pack.platform;
  out.queries = Object.freeze(queries);
  return Object.freeze(out);
}

function pushTo(map: Map<number, number[]>, key: number, id: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (list[list.length - 1] !== id) list.push(id);
}

/** The enabled packs, indexed by target; immutable once built. */
export class PackIndex {
  /** host id → ids of enabled packs targeting it explicitly (ascending). */
  private readonly byHost = new Map<number, number[]>();
  /** label id → ids of enabled packs targeting it (ascending). */
  private readonly byLabel = new Map<number, number[]>();
  private readonly packs = new Map<number, { name: string; config: Record<string, unknown> }>();
  private readonly sets = new Map<string, OsqueryPacks>();

  constructor(
    rows: readonly PackRow[],
    private readonly maxPackSets = DEFAULT_PACK_SOURCE_OPTIONS.maxPackSets,
  ) {
    const enabled = rows.filter((r) => !r.pack.disabled).sort((a, b) => a.pack.id - b.pack.id);
    for (const r of enabled) {
      this.packs.set(r.pack.id, { name: r.pack.name, config: packConfig(r) });
      for (const h of r.targets.host_ids) pushTo(this.byHost, h, r.pack.id);
      for (const l of r.targets.label_ids) pushTo(this.byLabel, l, r.pack.id);
    }
  }

  /** True when some enabled pack targets a label (otherwise memberships need not be known). */
  get targetsLabels(): boolean {
    return this.byLabel.size > 0;
  }

  get size(): number {
    return this.packs.size;
  }

  /** The packs for a host with these label memberships; null when none applies. */
  packsFor(hostId: number, labelIds: readonly number[]): OsqueryPacks | null {
    const direct = this.byHost.get(hostId);
    let ids: number[] | undefined;
    for (const l of labelIds) {
      const viaLabel = this.byLabel.get(l);
      if (viaLabel) (ids ??= direct ? [...direct] : []).push(...viaLabel);
    }
    if (ids === undefined) {
      if (!direct) return null;
      ids = direct;
    } else {
      ids = [...new Set(ids)].sort((a, b) => a - b);
    }
    if (ids.length === 0) return null;
    const key = ids.join(',');
    let packs = this.sets.get(key);
    if (packs === undefined) {
      const out: Record<string, unknown> = {};
      for (const id of ids) {
        const p = this.packs.get(id)!;
        out[p.name] = p.config;
      }
      packs = Object.freeze(out);
      // Distinct sets are few in practice (hosts share labels); bound it anyway.
      if (this.sets.size >= this.maxPackSets) this.sets.clear();
      this.sets.set(key, packs);
    }
    return packs;
  }
}

interface HostEntry {
  /** Ids of the labels the host is a member of. */
  labels: number[];
  /** The index `packs` was computed from (null: not computed yet). */
  index: PackIndex | null;
  packs: OsqueryPacks | null;
}

interface Inflight {
  promise: Promise<number[]>;
  /** Set when the host's memberships changed while loading: the answer is not kept. */
  stale: boolean;
}

/** Label memberships per host id: LRU by Map insertion order (a hit moves the entry to the end). */
class MembershipCache {
  private readonly entries = new Map<number, HostEntry>();
  private readonly inflight = new Map<number, Inflight>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(hostId: number): HostEntry | undefined {
    const e = this.entries.get(hostId);
    if (e !== undefined && this.entries.size > 1) {
      this.entries.delete(hostId);
      this.entries.set(hostId, e);
    }
    return e;
  }

  load(hostId: number, fetch: () => Promise<number[]>): Promise<HostEntry> {
    const cached = this.get(hostId);
    if (cached) return Promise.resolve(cached);
    let flight = this.inflight.get(hostId);
    if (!flight) {
      const f: Inflight = {
        stale: false,
        promise: fetch().finally(() => {
          if (this.inflight.get(hostId) === f) this.inflight.delete(hostId);
        }),
      };
      this.inflight.set(hostId, f);
      flight = f;
    }
    const f = flight;
    return f.promise.then((labels) => {
      const entry: HostEntry = { labels, index: null, packs: null };
      if (!f.stale) {
        // The first waiter stores the entry; later waiters of the same load reuse it.
        const existing = this.entries.get(hostId);
        if (existing) return existing;
        this.set(hostId, entry);
      }
      return entry;
    });
  }

  /**
   * Applies label results the agent path committed (member ⇒ add, else remove). Says whether
   * the memberships changed; 'unknown' when this host was not cached.
   */
  apply(hostId: number, results: ReadonlyArray<readonly [number, boolean]>): 'changed' | 'unchanged' | 'unknown' {
    const flight = this.inflight.get(hostId);
    if (flight) flight.stale = true;
    const e = this.entries.get(hostId);
    if (!e) return 'unknown';
    const set = new Set(e.labels);
    let changed = false;
    for (const [labelId, member] of results) {
      if (member && !set.has(labelId)) {
        set.add(labelId);
        changed = true;
      } else if (!member && set.delete(labelId)) {
        changed = true;
      }
    }
    // Replaced, not mutated: a request holding the old entry keeps a consistent view.
    if (changed) this.entries.set(hostId, { labels: [...set].sort((a, b) => a - b), index: null, packs: null });
    return changed ? 'changed' : 'unchanged';
  }

  forget(hostId: number): void {
    const flight = this.inflight.get(hostId);
    if (flight) flight.stale = true;
    this.entries.delete(hostId);
  }

  clear(): void {
    for (const f of this.inflight.values()) f.stale = true;
    this.entries.clear();
  }

  private set(hostId: number, entry: HostEntry): void {
    this.entries.set(hostId, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
    }
  }
}

/**
 * PackSource over the datastore. A config fetch with nothing changed is a few Map lookups:
 * no datastore call and no object built.
 */
@injectable()
export class DatastorePackSource implements PackSource {
  private readonly index: CachedValue<PackIndex>;
  private readonly memberships: MembershipCache;
  private readonly unsubscribe: () => void;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.InvalidationBus) private readonly bus: InvalidationBus,
    @inject(PACK_SOURCE_OPTIONS) @optional() opts?: Partial<PackSourceOptions>,
  ) {
    const o = { ...DEFAULT_PACK_SOURCE_OPTIONS, ...opts };
    this.index = new CachedValue(async () => new PackIndex(await ds.allPacksForAgents(), o.maxPackSets));
    this.memberships = new MembershipCache(o.maxHosts);
    this.unsubscribe = bus.subscribe((e) => this.onInvalidation(e));
  }

  /** Hosts whose label memberships are cached (tests, metrics). */
  get cachedHosts(): number {
    return this.memberships.size;
  }

  private onInvalidation(e: InvalidationEvent): void {
    switch (e.kind) {
      case 'agent-config-changed':
        this.index.invalidate();
        break;
      case 'labels-changed':
        this.memberships.clear();
        break;
      case 'host-changed':
        this.memberships.forget(e.hostId);
        break;
      case 'host-labels-changed':
        this.memberships.forget(e.hostId);
        break;
      case 'resync':
        this.memberships.clear();
        break;
    }
  }

  packsForHost(host: AgentHost): OsqueryPacks | null | Promise<OsqueryPacks | null> {
    const index = this.index.peek();
    if (index) {
      const fast = this.fromMemory(index, host.id);
      if (fast !== undefined) return fast;
    }
    return this.load(host.id);
  }

  /** The answer when index and memberships are both in memory; undefined otherwise. */
  private fromMemory(index: PackIndex, hostId: number): OsqueryPacks | null | undefined {
    if (!index.targetsLabels) return index.packsFor(hostId, []);
    const entry = this.memberships.get(hostId);
    if (!entry) return undefined;
    return this.packsOf(index, hostId, entry);
  }

  private packsOf(index: PackIndex, hostId: number, entry: HostEntry): OsqueryPacks | null {
    if (entry.index !== index) {
      entry.packs = index.packsFor(hostId, entry.labels);
      entry.index = index;
    }
    return entry.packs;
  }

  private async load(hostId: number): Promise<OsqueryPacks | null> {
    const index = this.index.peek() ?? (await this.index.get());
    if (!index.targetsLabels) return index.packsFor(hostId, []);
    const entry = await this.memberships.load(hostId, async () =>
      (await this.ds.labelsForHost(hostId)).map((l) => l.id).sort((a, b) => a - b),
    );
    return this.packsOf(index, hostId, entry);
  }

  /**
   * The agent path committed label results for a host: this instance applies them to its
   * cached set, and other instances (through the bus) drop theirs unless nothing changed.
   */
  labelResultsWritten(hostId: number, results: ReadonlyArray<readonly [number, boolean]>): void {
    if (this.memberships.apply(hostId, results) === 'unchanged') return;
    this.bus.publishToOthers({ kind: 'host-labels-changed', hostId });
  }

  /** A host's memberships may have changed in ways we cannot replay (e.g. a failed write). */
  forgetHost(hostId: number): void {
    this.memberships.forget(hostId);
  }

  close(): void {
    this.unsubscribe();
  }
}
