// The simulated osquery schedule: scheduled queries from the fetched config's packs
// (`packs.<pack>.queries.<query>.{query,interval,snapshot,removed,platform}`), each run
// at its interval producing differential (added/removed) or snapshot result lines.
import type { AgentIdentity } from './identity';
import { eventLines, snapshotLine, type LineContext, type LogLine } from './logs';
import type { Rng } from './rng';
import { columnsFor, generateRow } from './row-generator';
import type { PlatformName, Row } from './templates';

export interface ScheduledQuery {
  /** Result-log name: `pack/<pack>/<query>` (Fleet's pack delimiter is "/"). */
  name: string;
  sql: string;
  intervalSeconds: number;
  snapshot: boolean;
  /** Log removed rows (osquery default true). */
  removed: boolean;
}

/** osquery platform strings this simulated platform satisfies. */
const PLATFORM_ALIASES: Record<PlatformName, readonly string[]> = {
  ubuntu: ['linux', 'posix', 'ubuntu'],
  centos: ['linux', 'posix', 'centos', 'rhel'],
  darwin: ['darwin', 'posix'],
  windows: ['windows'],
};

export function platformMatches(filter: unknown, platform: PlatformName): boolean {
  if (typeof filter !== 'string' || filter.trim() === '') return true;
  const wanted = filter.split(',').map((p) => p.trim().toLowerCase());
  return wanted.some((p) => p === 'all' || p === 'any' || PLATFORM_ALIASES[platform].includes(p));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}

function truthy(v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  return v === true || v === 'true' || v === 1 || v === '1';
}

/** Scheduled queries for this platform from an osquery config object. */
export function scheduledQueriesFromConfig(config: Record<string, unknown>, platform: PlatformName): ScheduledQuery[] {
  const out: ScheduledQuery[] = [];
  const packs = config.packs;
  if (!isObject(packs)) return out;
  for (const [packName, pack] of Object.entries(packs)) {
    if (!isObject(pack) || !isObject(pack.queries) || !platformMatches(pack.platform, platform)) continue;
    for (const [queryName, q] of Object.entries(pack.queries)) {
      if (!isObject(q) || typeof q.query !== 'string') continue;
      const intervalSeconds = positiveInt(q.interval);
      if (intervalSeconds === undefined || !platformMatches(q.platform, platform)) continue;
      out.push({
        name: `pack/${packName}/${queryName}`,
        sql: q.query,
        intervalSeconds,
        snapshot: truthy(q.snapshot, false),
        removed: truthy(q.removed, true),
      });
    }
  }
  return out;
}

/** One scheduled query's state between runs (previous results, counter, next due time). */
export class ScheduledQueryState {
  private previous: Row[] | undefined;
  private counter = 0;
  private serial = 0;
  /** Completed runs (0 before the first). */
  runs = 0;
  nextRunAt: number;

  constructor(readonly query: ScheduledQuery, firstRunAt: number) {
    this.nextRunAt = firstRunAt;
  }

  /** Runs the query and returns the lines osquery would log for this run (maybe none). */
  run(now: Date, rng: Rng, id: AgentIdentity, ctx: LineContext, rowsPerQuery: number): LogLine[] {
    this.runs++;
    const columns = columnsFor(this.query.sql);
    const fresh = () => generateRow(columns, this.serial++, rng, id);
    if (this.query.snapshot) {
      const rows = Array.from({ length: rng.int(Math.max(0, rowsPerQuery - 1), rowsPerQuery + 1) }, fresh);
      return [snapshotLine({ name: this.query.name, counter: 0, now }, rows, ctx)];
    }
    if (this.previous === undefined) {
      // First run (counter 0): every row is "added".
      this.previous = Array.from({ length: Math.max(1, rowsPerQuery) }, fresh);
      return eventLines({ name: this.query.name, counter: 0, now }, [], this.previous, ctx);
    }
    // Later runs: some churn (one row replaced) or no change — and no change logs nothing.
    if (!rng.chance(0.5) || this.previous.length === 0) return [];
    const victim = rng.int(0, this.previous.length - 1);
    const removed = this.previous.splice(victim, 1);
    const added = [fresh()];
    this.previous.push(...added);
    this.counter++;
    return eventLines({ name: this.query.name, counter: this.counter, now }, this.query.removed ? removed : [], added, ctx);
  }
}

/**
 * Keeps states across config refreshes: an unchanged query keeps its previous results
 * and counter, a new or changed one starts over (osquery compares by name + SQL).
 */
export function reconcileSchedule(
  current: ReadonlyMap<string, ScheduledQueryState>,
  queries: readonly ScheduledQuery[],
  firstRunAt: (q: ScheduledQuery) => number,
): Map<string, ScheduledQueryState> {
  const next = new Map<string, ScheduledQueryState>();
  for (const q of queries) {
    const old = current.get(q.name);
    const same = old && old.query.sql === q.sql && old.query.intervalSeconds === q.intervalSeconds && old.query.snapshot === q.snapshot;
    next.set(q.name, same ? old : new ScheduledQueryState(q, firstRunAt(q)));
  }
  return next;
}
