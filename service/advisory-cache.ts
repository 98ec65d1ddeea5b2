import type { Clock } from '../internal/clock/clock';

/**
 * How long the admin UI's large host counts may be reused (AdvisoryCache): the counters of a
 * target selection, a label's member count, a pack's total_hosts_count. Counting 100,000
 * hosts by status, or the members of "All Hosts", costs 30–100 ms of database time idle and
 * several times that under agent load (test/bench/targets-packs.bench.ts), on every
 * keystroke of the target picker; the figures are advisory, so large ones are reused.
 *
 * Staleness bound: a reused value was computed at most MAX_AGE_MS earlier (at least as
 * recent as its computation's start). One older than FRESH_MS is still served but
 * recomputed in the background, so a picker in use sees values at most ~FRESH_MS plus one
 * computation old. Only values of at least MIN_CACHED_COUNT hosts are kept: smaller ones
 * are cheap and always exact. Writes made through this process's services (and, with
 * Redis, any instance's) that can change a count (host delete, label and pack changes)
 * drop every cached value at once; agent-reported changes (label membership, check-ins
 * moving hosts between online and offline, host expiry) show within MAX_AGE_MS.
 */
export const ADVISORY_COUNTS = { FRESH_MS: 3_000, MAX_AGE_MS: 10_000, MIN_CACHED_COUNT: 10_000, MAX_ENTRIES: 1_000 } as const;

export interface AdvisoryCacheOptions<V> {
  /** Older values are served while one background load replaces them. */
  freshMs: number;
  /** Older values are never served. */
  maxAgeMs: number;
  /** At most this many values are kept (the least recently stored go first). */
  maxEntries: number;
  /** Whether a loaded value is worth keeping. */
  keep: (value: V) => boolean;
}

/** Loads the values of some keys (every key given must get an entry). */
export type Loader<K, V> = (keys: K[]) => Promise<Map<K, V>>;

interface Entry<V> {
  value: V;
  /** Clock time (ms) when the load that produced it started. */
  at: number;
  refreshing: boolean;
}

/**
 * A stale-while-revalidate cache of values that are expensive to compute and may be a few
 * seconds old. Ages are measured with the injected Clock (a clock moved backwards makes an
 * entry unusable). Loads that started before a clear() store nothing.
 */
export class AdvisoryCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: AdvisoryCacheOptions<V>,
  ) {}

  /**
   * The values of `keys`: usable cached ones (those past freshMs reloaded in the background
   * with `load`, one load per key at a time), the others loaded now with `load` in one call.
   */
  async get(keys: K[], load: Loader<K, V>): Promise<Map<K, V>> {
    const now = this.clock.now().getTime();
    const out = new Map<K, V>();
    const missing: K[] = [];
    const stale: K[] = [];
    for (const key of new Set(keys)) {
      const entry = this.entries.get(key);
      const age = entry ? now - entry.at : -1;
      if (!entry || age < 0 || age >= this.options.maxAgeMs) {
        missing.push(key);
        continue;
      }
      out.set(key, entry.value);
      if (age >= this.options.freshMs && !entry.refreshing) {
        entry.refreshing = true;
        stale.push(key);
      }
    }
    if (stale.length > 0) {
      // A failed reload leaves the old values to expire (the request that finds them past
      // maxAgeMs loads them itself and sees the error).
      this.load(stale, load).catch(() => undefined);
    }
    if (missing.length > 0) for (const [key, value] of await this.load(missing, load)) out.set(key, value);
    return out;
  }

  /** Drops every value, and keeps loads already running from storing theirs. */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** How many values are held (tests). */
  get size(): number {
    return this.entries.size;
  }

  private async load(keys: K[], load: Loader<K, V>): Promise<Map<K, V>> {
    const generation = this.generation;
    const at = this.clock.now().getTime();
    let values: Map<K, V>;
    try {
      values = await load(keys);
    } finally {
      for (const key of keys) {
        const entry = this.entries.get(key);
        if (entry) entry.refreshing = false;
      }
    }
    if (generation === this.generation) {
      for (const key of keys) {
        const value = values.get(key);
        this.entries.delete(key);
        if (value !== undefined && this.options.keep(value)) this.entries.set(key, { value, at, refreshing: false });
      }
      for (const key of this.entries.keys()) {
        if (this.entries.size <= this.options.maxEntries) break;
        this.entries.delete(key);
      }
    }
    return values;
  }
}
