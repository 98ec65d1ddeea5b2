/**
 * Pending live queries per host (Fleet's `livequery:<id>` keys). A host receives a
 * campaign's SQL on every distributed/read until it answers or the campaign stops.
 * `queriesForHost` runs on every check-in, so implementations answer it from memory
 * (the Redis store keeps a local mirror of active campaigns, kept current across
 * instances); the mutating calls are the rare path.
 *
 * Implementations: `LocalLiveQueryStore` (one process, no Redis) and `RedisLiveQueryStore`
 * (several processes/instances sharing Redis); `createLiveQueryInfra` picks one.
 */
export interface LiveQueryStore {
  /**
   * Registers a campaign's SQL and its target hosts (ids are positive integers; a
   * RangeError otherwise). Running an id again replaces its SQL and targets. With no
   * hosts nothing becomes pending (the service reports "no hosts targeted").
   */
  runQuery(campaignId: number, sql: string, hostIds: number[]): Promise<void>;
  /**
   * Campaign id and SQL of every live query pending for this host (synchronous: hot path).
   * The answer is read-only; with nothing pending it is one shared empty array.
   */
  queriesForHost(hostId: number): ReadonlyArray<readonly [campaignId: number, sql: string]>;
  /** The host answered: it stops receiving this campaign (on every instance). */
  queryCompletedByHost(campaignId: number, hostId: number): Promise<void>;
  /** Stops the campaign for every host. Idempotent. */
  stopQuery(campaignId: number): Promise<void>;
  /** Ids of the campaigns with pending hosts (in the order they were run). */
  activeCampaigns(): number[];
  close(): Promise<void>;
}
