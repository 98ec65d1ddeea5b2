/**
 * Results over Redis pub/sub, channel `results_<campaign id>` (Fleet's name). All local
 * listeners share this process's one subscriber connection (RedisConnections): a channel
 * is subscribed while at least one local listener wants it and unsubscribed when the last
 * one leaves, so PUBLISH's reply counts exactly the processes that are listening — the
 * orphan detector of spec §9.4. (It counts processes, not sockets: two browsers on one
 * instance count once; 0 still means nobody is listening anywhere.)
 */
import type { Logger } from '../logging';
import type { RedisConnections } from '../redis';
import { deliver } from './local-result-pubsub';
import type { CampaignResult, ResultPubSub } from './result-pubsub';

export class RedisResultPubSub implements ResultPubSub {
  private readonly unsubscribers = new Set<() => Promise<void>>();
  // One message reaches every local listener of its channel in one synchronous pass:
  // parse it once for all of them.
  private lastRaw: string | undefined;
  private lastParsed: CampaignResult | undefined;

  constructor(
    private readonly redis: RedisConnections,
    private readonly logger?: Logger,
  ) {}

  publish(campaignId: number, result: CampaignResult): Promise<number> {
    return this.redis.command.publish(this.redis.keys.results(campaignId), JSON.stringify(result));
  }

  async subscribe(campaignId: number, listener: (result: CampaignResult) => void): Promise<() => Promise<void>> {
    const off = await this.redis.subscribe(this.redis.keys.results(campaignId), (raw) => {
      const result = this.parse(raw, campaignId);
      if (result !== undefined) deliver(listener, result, this.logger, campaignId);
    });
    this.unsubscribers.add(off);
    return async () => {
      this.unsubscribers.delete(off);
      await off();
    };
  }

  healthCheck(): Promise<void> {
    return this.redis.healthCheck();
  }

  /** Unsubscribes every listener this instance still has (the connections are closed by their owner). */
  async close(): Promise<void> {
    const offs = [...this.unsubscribers];
    this.unsubscribers.clear();
    await Promise.all(offs.map((off) => off()));
  }

  private parse(raw: string, campaignId: number): CampaignResult | undefined {
    if (raw === this.lastRaw) return this.lastParsed;
    try {
      this.lastParsed = JSON.parse(raw) as CampaignResult;
    } catch {
      this.logger?.warn('ignoring a malformed live query result', { campaign_id: campaignId });
      return undefined;
    }
    this.lastRaw = raw;
    // Valid only for this delivery pass (handlers of one message run synchronously).
    queueMicrotask(() => {
      this.lastRaw = undefined;
      this.lastParsed = undefined;
    });
    return this.lastParsed;
  }
}
