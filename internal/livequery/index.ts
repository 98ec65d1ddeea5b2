export * from './live-query-store';
export * from './result-pubsub';
export { LocalLiveQueryStore } from './local-live-query-store';
export { LocalResultPubSub } from './local-result-pubsub';
export { RedisLiveQueryStore, LIVE_QUERY_TTL_SECONDS, type RedisLiveQueryStoreOptions } from './redis-live-query-store';
export { RedisResultPubSub } from './redis-result-pubsub';
export { createLiveQueryInfra, type LiveQueryInfra, type LiveQueryInfraOptions, type InfraHealthChecker } from './infra';
