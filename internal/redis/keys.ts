/**
 * Every Redis key and channel name Fleet uses, in one place. Names follow Fleet 3.x
 * (`livequery:<id>`, `sql:livequery:<id>`, `results_<id>`) with two additions: an index
 * set of active campaigns (so no instance SCANs the keyspace) and event channels that
 * keep each instance's in-memory mirrors current. The index is named `livequery_active`
 * rather than `livequery:active` so it never matches Fleet's `SCAN MATCH livequery:*`.
 * `prefix` (setting redis.key_prefix) lets several fleets, or test runs, share one Redis.
 */
export class RedisKeys {
  constructor(readonly prefix = '') {}

  /** Bitfield of the campaign's pending hosts (bit offset = host id), TTL 7 days. */
  liveQueryTargets(campaignId: number): string {
    return `${this.prefix}livequery:${campaignId}`;
  }

  /** The campaign's SQL, TTL 7 days, written before the targets. */
  liveQuerySql(campaignId: number): string {
    return `${this.prefix}sql:livequery:${campaignId}`;
  }

  /** Set of the ids of campaigns that have (or had, until they expire) targets. */
  liveQueryIndex(): string {
    return `${this.prefix}livequery_active`;
  }

  /** Channel: run / completed / stopped events for the live-query mirrors. */
  liveQueryEvents(): string {
    return `${this.prefix}livequery_events`;
  }

  /** Channel: one campaign's results (Fleet's `results_<id>`). */
  results(campaignId: number): string {
    return `${this.prefix}results_${campaignId}`;
  }

  /** Channel: cache invalidation events. */
  invalidation(): string {
    return `${this.prefix}cache_invalidation`;
  }
}
