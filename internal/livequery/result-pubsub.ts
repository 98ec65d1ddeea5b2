/** One host's answer to a campaign, exactly as it travels to the browser (spec §9.4). */
export interface CampaignResult {
  /** The campaign id (Fleet's legacy name). */
  distributed_query_execution_id: number;
  /** The host's API JSON (never its node key). */
  host: Record<string, unknown>;
  rows: Array<Record<string, string>>;
  /** null on success; the osquery error message otherwise. */
  error: string | null;
}

/**
 * Live-query results from the instance that received the agent's write to the instances
 * holding the browsers' sockets (Redis pub/sub with several instances).
 *
 * Every listener subscribed (its `subscribe` resolved) when `publish` runs receives the
 * result. Listeners of one campaign in one process share one result object: treat it as
 * read-only (copy rows before adding fields). A listener that throws does not affect the
 * others or the publisher.
 */
export interface ResultPubSub {
  /** Returns how many subscribers (across all instances) received it: 0 means an orphan. */
  publish(campaignId: number, result: CampaignResult): Promise<number>;
  /** Resolves once subscribed; the returned function unsubscribes (idempotent). */
  subscribe(campaignId: number, listener: (result: CampaignResult) => void): Promise<() => Promise<void>>;
  /** Throws when the backing service (Redis) is unreachable. */
  healthCheck(): Promise<void>;
  close(): Promise<void>;
}
