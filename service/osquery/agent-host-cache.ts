// node-key hash → AgentHost, so a check-in authenticates without a database round trip.
import type { AgentHost, Host } from '../../internal/fleet';

export interface AgentHostCacheOptions {
  /** Most hosts kept; the least recently used is evicted beyond this. */
  maxEntries: number;
  /** How long an unknown node key is remembered as unknown, in ms (0 = not at all). */
  negativeTtlMs: number;
  /** Most unknown keys remembered. */
  maxNegativeEntries: number;
}

export const DEFAULT_AGENT_HOST_CACHE_OPTIONS: AgentHostCacheOptions = {
  maxEntries: 250_000,
  negativeTtlMs: 5_000,
  maxNegativeEntries: 10_000,
};

export function toAgentHost(h: Host): AgentHost {
  return {
    id: h.id,
    hostname: h.hostname,
    platform: h.platform,
    detailUpdatedAt: h.detail_updated_at.getTime(),
    labelUpdatedAt: h.label_updated_at.getTime(),
    distributedInterval: h.distributed_interval,
    configTlsRefresh: h.config_tls_refresh,
    loggerTlsPeriod: h.logger_tls_period,
  };
}

/**
 * LRU by insertion order of a Map (a hit moves the entry to the end). A second index by
 * host id lets updates and `host-changed` events find a host's entry.
 *
 * Loads go through `load()`: concurrent misses of one key share one datastore call, and a
 * load that overlaps a revocation is not cached (it may have read the row before the
 * change). Negative answers are remembered briefly, so a stream of requests with a dead key
 * cannot become a stream of queries, while a key that becomes valid is picked up quickly.
 */
export class AgentHostCache {
  private readonly byHash = new Map<string, AgentHost>();
  private readonly hashById = new Map<number, string>();
  private readonly negative = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<AgentHost | null>>();
  private generation = 0;

  constructor(private readonly opts: AgentHostCacheOptions = DEFAULT_AGENT_HOST_CACHE_OPTIONS) {}

  get size(): number {
    return this.byHash.size;
  }

  /** The cached host (refreshing its LRU position), or undefined on a miss. */
  get(hash: string): AgentHost | undefined {
    const h = this.byHash.get(hash);
    if (h !== undefined && this.byHash.size > 1) {
      this.byHash.delete(hash);
      this.byHash.set(hash, h);
    }
    return h;
  }

  /** True while `hash` is remembered as unknown. */
  knownInvalid(hash: string, now: number): boolean {
    const until = this.negative.get(hash);
    if (until === undefined) return false;
    if (until > now) return true;
    this.negative.delete(hash);
    return false;
  }

  /** Looks `hash` up (memory first, then `fetch`), caching the answer as described above. */
  load(hash: string, now: number, fetch: (hash: string) => Promise<Host | null>): Promise<AgentHost | null> {
    const cached = this.get(hash);
    if (cached) return Promise.resolve(cached);
    if (this.knownInvalid(hash, now)) return Promise.resolve(null);
    const pending = this.inflight.get(hash);
    if (pending) return pending;
    const generation = this.generation;
    const p = fetch(hash)
      .then((host) => {
        const fresh = this.generation === generation;
        if (!host) {
          if (fresh) this.rememberInvalid(hash, now);
          return null;
        }
        const agent = toAgentHost(host);
        if (fresh) this.set(hash, agent);
        return agent;
      })
      .finally(() => this.inflight.delete(hash));
    this.inflight.set(hash, p);
    return p;
  }

  set(hash: string, host: AgentHost): void {
    const previousHash = this.hashById.get(host.id);
    if (previousHash !== undefined && previousHash !== hash) this.byHash.delete(previousHash);
    this.byHash.delete(hash);
    this.byHash.set(hash, host);
    this.hashById.set(host.id, hash);
    this.negative.delete(hash);
    while (this.byHash.size > this.opts.maxEntries) {
      const [oldHash, oldHost] = this.byHash.entries().next().value as [string, AgentHost];
      this.byHash.delete(oldHash);
      if (this.hashById.get(oldHost.id) === oldHash) this.hashById.delete(oldHost.id);
    }
  }

  /** The cached copy of a host by id, if any. */
  byId(id: number): AgentHost | undefined {
    const hash = this.hashById.get(id);
    return hash === undefined ? undefined : this.byHash.get(hash);
  }

  /**
   * Applies a committed change to the cached copy of a host (if it is still cached). Entries
   * are replaced, never mutated: a request holding the old object keeps a consistent view.
   */
  patch(id: number, changes: Partial<Omit<AgentHost, 'id'>>): void {
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    const current = this.byHash.get(hash);
    if (current) this.byHash.set(hash, { ...current, ...changes });
  }

  /** The node key stopped being valid (host deleted, re-enrolled, expired). */
  revoke(hash: string): void {
    this.generation++;
    const h = this.byHash.get(hash);
    this.byHash.delete(hash);
    if (h && this.hashById.get(h.id) === hash) this.hashById.delete(h.id);
  }

  /** Drops whatever is cached for a host id (its row changed outside the agent path). */
  forgetHost(id: number): void {
    this.generation++;
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    this.hashById.delete(id);
    this.byHash.delete(hash);
  }

  /** A key was just issued: forget any negative answer for it. */
  issued(hash: string): void {
    this.negative.delete(hash);
  }

  clear(): void {
    this.generation++;
    this.byHash.clear();
    this.hashById.clear();
    this.negative.clear();
  }

  private rememberInvalid(hash: string, now: number): void {
    if (this.opts.negativeTtlMs <= 0) return;
    if (this.negative.size >= this.opts.maxNegativeEntries) {
      // Drop expired entries first; if still full, the oldest.
      for (const [k, until] of this.negative) if (until <= now) this.negative.delete(k);
      if (this.negative.size >= this.opts.maxNegativeEntries) {
        const oldest = this.negative.keys().next().value as string;
        this.negative.delete(oldest);
      }
    }
    this.negative.set(hash, now + this.opts.negativeTtlMs);
  }
}
