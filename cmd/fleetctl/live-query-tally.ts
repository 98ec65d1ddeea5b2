// What `fleetctl query` knows about a campaign from its stream, and whether it is done.
import type { Tally } from './progress';

export interface StreamTotals {
  count: number;
  online: number;
  offline?: number;
  missing_in_action?: number;
}

export interface StreamStatus {
  expected_results: number;
  actual_results: number;
  status: string;
}

/** Why watching a campaign may end by itself. */
export type Completion = 'all-responded' | 'online-responded';

export class CampaignTally {
  private totals: StreamTotals | null = null;
  private status: StreamStatus | null = null;
  private results = 0;

  onTotals(totals: StreamTotals): void {
    this.totals = totals;
  }

  onStatus(status: StreamStatus): void {
    this.status = status;
  }

  onResult(): void {
    this.results++;
  }

  /**
   * The server's `actual_results` is re-sent only every 5 s; counting results as they
   * arrive lets `--exit` end as soon as the last one is printed.
   */
  snapshot(): Tally {
    return {
      responded: Math.max(this.results, this.status?.actual_results ?? 0),
      // No totals message means every count is 0 (the server sends totals only on change).
      total: this.totals?.count ?? 0,
      online: this.totals?.online ?? this.status?.expected_results ?? 0,
    };
  }

  /**
   * Done when every targeted host answered, or with `--exit` when every online one did.
   * Nothing is decided before the first status, which follows the opening totals: until
   * then a campaign looks like one with no hosts at all.
   */
  completion(exitWhenOnlineResponded: boolean): Completion | null {
    if (!this.status) return null;
    const { responded, total, online } = this.snapshot();
    if (responded >= total) return 'all-responded';
    if (exitWhenOnlineResponded && responded >= online) return 'online-responded';
    return null;
  }
}
