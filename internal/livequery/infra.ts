/**
 * The cross-instance infrastructure of one server process: pending live queries, result
 * pub/sub and the cache invalidation bus. With `redis.url` set they go through Redis (one
 * command and one subscriber connection shared by all three); otherwise in-process
 * equivalents serve a single process.
 */
import { LocalInvalidationBus, type InvalidationBus } from '../cache/invalidation-bus';
import { RedisInvalidationBus } from '../cache/redis-invalidation-bus';
import type { FleetConfig } from '../config/config';
import type { Logger } from '../logging';
import { RedisConnections, type RedisConnectionOptions } from '../redis';
import type { LiveQueryStore } from './live-query-store';
import { LocalLiveQueryStore } from './local-live-query-store';
import { LocalResultPubSub } from './local-result-pubsub';
import { RedisLiveQueryStore, type RedisLiveQueryStoreOptions } from './redis-live-query-store';
import { RedisResultPubSub } from './redis-result-pubsub';
import type { ResultPubSub } from './result-pubsub';

/** Same shape as transport's HealthChecker (/healthz). */
export interface InfraHealthChecker {
  name: string;
  check(): Promise<void>;
}

export interface LiveQueryInfra {
  liveQueryStore: LiveQueryStore;
  resultPubSub: ResultPubSub;
  bus: InvalidationBus;
  /** `redis` when Redis is used; nothing otherwise. */
  health: InfraHealthChecker[];
  /** The shared connections, when Redis is used. */
  redis?: RedisConnections;
  close(): Promise<void>;
}

export interface LiveQueryInfraOptions {
  /** Overrides redis.key_prefix (tests). */
  keyPrefix?: string;
  redisOptions?: RedisConnectionOptions['redisOptions'];
  liveQueryStore?: Omit<RedisLiveQueryStoreOptions, 'logger'>;
}

export async function createLiveQueryInfra(
  config: FleetConfig,
  logger: Logger,
  opts: LiveQueryInfraOptions = {},
): Promise<LiveQueryInfra> {
  if (config.redis.url === '') return localInfra(logger);
  const redis = await RedisConnections.open({
    url: config.redis.url,
    keyPrefix: opts.keyPrefix ?? config.redis.key_prefix,
    logger,
    redisOptions: opts.redisOptions,
  });
  const parts: Array<{ close(): Promise<void> }> = [];
  try {
    const liveQueryStore = await RedisLiveQueryStore.start(redis, { ...opts.liveQueryStore, logger });
    parts.push(liveQueryStore);
    const bus = await RedisInvalidationBus.start(redis, logger);
    parts.push(bus);
    const resultPubSub = new RedisResultPubSub(redis, logger);
    parts.push(resultPubSub);
    let closed: Promise<void> | null = null;
    return {
      liveQueryStore,
      resultPubSub,
      bus,
      redis,
      health: [{ name: 'redis', check: () => redis.healthCheck() }],
      close: () => (closed ??= closeAll(parts, redis)),
    };
  } catch (err) {
    await closeAll(parts, redis);
    throw err;
  }
}

function localInfra(logger: Logger): LiveQueryInfra {
  const liveQueryStore = new LocalLiveQueryStore();
  const resultPubSub = new LocalResultPubSub(logger);
  return {
    liveQueryStore,
    resultPubSub,
    bus: new LocalInvalidationBus(),
    health: [],
    async close() {
      await Promise.all([liveQueryStore.close(), resultPubSub.close()]);
    },
  };
}

async function closeAll(parts: Array<{ close(): Promise<void> }>, redis: RedisConnections): Promise<void> {
  for (const p of [...parts].reverse()) await p.close().catch(() => undefined);
  await redis.close();
}
