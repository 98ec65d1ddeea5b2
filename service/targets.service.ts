import { inject, injectable } from 'inversify';
import type { InvalidationBus } from '../internal/cache/invalidation-bus';
import type { Clock } from '../internal/clock/clock';
import { TYPES } from '../internal/container/identifiers';
import {
  BUILTIN_LABELS,
  type Datastore,
  type TargetCounts,
  type Label,
  type TargetSearchResult,
  type TargetSelection,
  type TargetService,
} from '../internal/fleet';
import { ADVISORY_COUNTS, AdvisoryCache } from './advisory-cache';
import { withStatus } from './host-view';
import { DEFAULT_TARGET_LIMIT, SEARCH_TARGET_LIMIT, targetSearchTerms } from './target-search';

const ALL_HOSTS = BUILTIN_LABELS[0]!.name;

/**
 * Target search for live queries (spec rest-api.md §12): hosts and labels matching the
 * text (or the defaults for short text), never the selected ones, "All Hosts" offered
 * whenever it is not selected; the counters are over the selection itself, and each offered
 * label shows its member count (counted for those labels only).
 *
 * Counts of 10,000 hosts or more (a selection's counters, a label's members) are reused for
 * a few seconds: see ADVISORY_COUNTS for the staleness bound. Smaller ones are always exact.
 */
@injectable()
export class TargetServiceImpl implements TargetService {
  private readonly selectionCounts: AdvisoryCache<string, TargetCounts>;
  private readonly labelCounts: AdvisoryCache<number, number>;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.InvalidationBus) bus: InvalidationBus,
  ) {
    const options = { freshMs: ADVISORY_COUNTS.FRESH_MS, maxAgeMs: ADVISORY_COUNTS.MAX_AGE_MS, maxEntries: ADVISORY_COUNTS.MAX_ENTRIES };
    this.selectionCounts = new AdvisoryCache(clock, { ...options, keep: (c) => c.total >= ADVISORY_COUNTS.MIN_CACHED_COUNT });
    this.labelCounts = new AdvisoryCache(clock, { ...options, keep: (n) => n >= ADVISORY_COUNTS.MIN_CACHED_COUNT });
    bus.subscribe((event) => {
      if (event.kind === 'app-config-changed') return;
      this.selectionCounts.clear();
      this.labelCounts.clear();
    });
  }

  async searchTargets(query: string, selected: TargetSelection): Promise<TargetSearchResult> {
    const now = this.clock.now();
    const search = targetSearchTerms(query);
    const limit = search.terms.length === 0 ? DEFAULT_TARGET_LIMIT : SEARCH_TARGET_LIMIT;
    const [hosts, labels, counts] = await Promise.all([
      this.ds.searchHosts(search, selected.host_ids, limit),
      this.offeredLabels(search.terms, selected.label_ids, limit),
      this.countSelection(selected, now),
    ]);
    return { hosts: hosts.map((h) => withStatus(h, now)), labels, counts };
  }

  /** The matching labels, "All Hosts" appended (see withAllHosts), with their member counts. */
  private async offeredLabels(terms: string[], selectedIds: number[], limit: number): Promise<TargetSearchResult['labels']> {
    const [found, all] = await Promise.all([this.ds.searchLabels(terms, selectedIds, limit), this.ds.labelByName(ALL_HOSTS)]);
    const offered = withAllHosts(found, all, selectedIds);
    const counts = await this.labelCounts.get(
      offered.map((l) => l.id),
      (ids) => this.ds.labelHostCountsFor(ids),
    );
    return offered.map((label) => ({ label, host_count: counts.get(label.id) ?? 0 }));
  }

  /** The selection's counters, keyed by its distinct ids in order (so [2, 1, 1] is [1, 2]). */
  private async countSelection(selected: TargetSelection, now: Date): Promise<TargetCounts> {
    const sorted = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);
    const selection = { host_ids: sorted(selected.host_ids), label_ids: sorted(selected.label_ids) };
    const key = JSON.stringify(selection);
    // A background reload starts here too, so `now` is its time as well.
    const counts = await this.selectionCounts.get([key], async () => new Map([[key, await this.ds.countHostsInTargets(selection, now)]]));
    return counts.get(key)!;
  }
}

/** Fleet appends the builtin "All Hosts" label unless it is already listed or selected. */
function withAllHosts(labels: Label[], all: Label | null, selectedIds: number[]): Label[] {
  if (labels.some((l) => l.label_type === 'builtin' && l.name === ALL_HOSTS)) return labels;
  if (!all || all.label_type !== 'builtin' || selectedIds.includes(all.id)) return labels;
  return [...labels, all];
}
