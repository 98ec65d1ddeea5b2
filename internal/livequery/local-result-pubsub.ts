import type { Logger } from '../logging';
import type { CampaignResult, ResultPubSub } from './result-pubsub';

type Listener = (result: CampaignResult) => void;

/**
 * The single-process pub/sub. `publish` hands the result to every listener of the
 * campaign before it resolves and returns how many there were, so "0" is a true orphan
 * and a listener present at publish time never misses a result (Fleet's in-memory store
 * dropped results when the reader was not blocked on its channel at that instant).
 */
export class LocalResultPubSub implements ResultPubSub {
  private readonly listeners = new Map<number, Set<Listener>>();

  constructor(private readonly logger?: Logger) {}

  async publish(campaignId: number, result: CampaignResult): Promise<number> {
    const set = this.listeners.get(campaignId);
    if (set === undefined) return 0;
    // A listener may unsubscribe (or subscribe another) while we deliver: use a snapshot.
    const snapshot = [...set];
    for (const l of snapshot) deliver(l, result, this.logger, campaignId);
    return snapshot.length;
  }

  async subscribe(campaignId: number, listener: Listener): Promise<() => Promise<void>> {
    // Wrapped so one function subscribed twice counts (and unsubscribes) twice.
    const entry: Listener = (r) => listener(r);
    let set = this.listeners.get(campaignId);
    if (set === undefined) this.listeners.set(campaignId, (set = new Set()));
    set.add(entry);
    return async () => {
      const current = this.listeners.get(campaignId);
      if (current === undefined || !current.delete(entry)) return;
      if (current.size === 0) this.listeners.delete(campaignId);
    };
  }

  /** Local listeners of a campaign (tests, diagnostics). */
  listenerCount(campaignId: number): number {
    return this.listeners.get(campaignId)?.size ?? 0;
  }

  async healthCheck(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

export function deliver(listener: Listener, result: CampaignResult, logger: Logger | undefined, campaignId: number): void {
  try {
    listener(result);
  } catch (err) {
    logger?.error('live query result listener failed', {
      campaign_id: campaignId,
      err: err instanceof Error ? err.message : String(err),
    });
  }
}
