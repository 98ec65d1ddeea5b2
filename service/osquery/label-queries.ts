// Which label queries a host is due (spec §5), decided from an in-memory label list.
//
// Fixed relative to Fleet 3.2.0 (policy, spec README §4):
// - only DYNAMIC labels are ever sent (3.2.0's unparenthesised SQL leaked manual labels whose
//   platform equals the host's);
// - the platform filter is `label.platform === '' || label.platform === host.platform`;
// - a label created OR edited after the host's last label evaluation is due at once (3.2.0
//   only noticed newly created labels, so an edited query waited up to an hour).
import type { Label } from '../../internal/fleet';

export const LABEL_QUERY_PREFIX = 'fleet_label_query_';

interface PlatformLabels {
  /** `fleet_label_query_<id>` → SQL, for every dynamic label that applies. Shared; never mutated. */
  queries: Readonly<Record<string, string>>;
  /** Newest created/updated time among those labels, epoch ms (-Infinity when none). */
  newestChange: number;
}

/** An immutable index of the dynamic labels, per host platform (computed lazily, memoised). */
export class LabelIndex {
  private readonly dynamic: Label[];
  private readonly byPlatform = new Map<string, PlatformLabels>();

  constructor(labels: readonly Label[]) {
    this.dynamic = labels.filter((l) => l.label_membership_type === 'dynamic');
  }

  get size(): number {
    return this.dynamic.length;
  }

  forPlatform(platform: string): PlatformLabels {
    let entry = this.byPlatform.get(platform);
    if (!entry) {
      const queries: Record<string, string> = {};
      let newestChange = -Infinity;
      for (const l of this.dynamic) {
        if (l.platform !== '' && l.platform !== platform) continue;
        queries[`${LABEL_QUERY_PREFIX}${l.id}`] = l.query;
        newestChange = Math.max(newestChange, l.created_at.getTime(), l.updated_at.getTime());
      }
      entry = { queries: Object.freeze(queries), newestChange };
      // Platforms are a small set in practice; cap anyway so odd values cannot grow this.
      if (this.byPlatform.size < 256) this.byPlatform.set(platform, entry);
    }
    return entry;
  }

  /**
   * The label queries due for a host, or null when none are: all that apply when the host's
   * labels are older than the refresh interval, or when one of them changed since.
   */
  dueFor(platform: string, labelUpdatedAt: number, now: number, intervalMs: number): Readonly<Record<string, string>> | null {
    const entry = this.forPlatform(platform);
    if (entry.newestChange === -Infinity) return null;
    if (labelUpdatedAt < now - intervalMs || entry.newestChange > labelUpdatedAt) return entry.queries;
    return null;
  }
}
