import { randomBytes } from 'node:crypto';
import { buildContainer } from '../../cmd/fleet/container';
import { startServer, type Server } from '../../cmd/fleet/serve';
import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import { LocalInvalidationBus } from '../../internal/cache/invalidation-bus';
import { RedisInvalidationBus } from '../../internal/cache/redis-invalidation-bus';
import { defaultConfig, type FleetConfig } from '../../internal/config/config';
import { TYPES } from '../../internal/container/identifiers';
import {
  createLiveQueryInfra,
  LocalLiveQueryStore,
  LocalResultPubSub,
  RedisLiveQueryStore,
  RedisResultPubSub,
  type LiveQueryStore,
} from '../../internal/livequery';
import { silentLogger } from '../support/silent-logger';
import {
  deleteKeys,
  describeIfRedis,
  eventually,
  redisServerBinary,
  startPrivateRedis,
  TEST_REDIS_URL,
  testKeyPrefix,
  testRedisClient,
} from '../support/redis';

function config(edit: (c: FleetConfig) => void = () => undefined): FleetConfig {
  const c = defaultConfig();
  c.datastore = 'inmem';
  c.server.address = '127.0.0.1:0';
  c.auth.bcrypt_cost = 4;
  c.logging.disable_banner = true;
  edit(c);
  return c;
}

describe('createLiveQueryInfra without Redis', () => {
  it('uses the in-process implementations and no health check', async () => {
    const infra = await createLiveQueryInfra(config(), silentLogger);
    expect(infra.liveQueryStore).toBeInstanceOf(LocalLiveQueryStore);
    expect(infra.resultPubSub).toBeInstanceOf(LocalResultPubSub);
    expect(infra.bus).toBeInstanceOf(LocalInvalidationBus);
    expect(infra.health).toEqual([]);
    await infra.close();
  });

  it('is what the container binds when no infrastructure is given', () => {
    const c = buildContainer({ config: config(), datastore: new InmemDatastore(), logger: silentLogger });
    expect(c.get(TYPES.LiveQueryStore)).toBeInstanceOf(LocalLiveQueryStore);
    expect(c.get(TYPES.ResultPubSub)).toBeInstanceOf(LocalResultPubSub);
    expect(c.get(TYPES.InvalidationBus)).toBeInstanceOf(LocalInvalidationBus);
  });

  it('fails clearly when the configured Redis cannot be reached', async () => {
    await expect(createLiveQueryInfra(config((c) => (c.redis.url = 'redis://127.0.0.1:1')), silentLogger)).rejects.toThrow(
      /cannot connect to Redis at 127\.0\.0\.1:1: connect ECONNREFUSED/,
    );
  });
});

describeIfRedis('createLiveQueryInfra with Redis', () => {
  const prefix = testKeyPrefix();
  afterAll(() => deleteKeys(prefix));

  it('uses Redis for all three, checks Redis health, and closes its connections', async () => {
    const name = `fleet-test-${randomBytes(4).toString('hex')}`;
    const infra = await createLiveQueryInfra(config((c) => (c.redis.url = TEST_REDIS_URL)), silentLogger, {
      keyPrefix: prefix,
      redisOptions: { connectionName: name },
    });
    expect(infra.liveQueryStore).toBeInstanceOf(RedisLiveQueryStore);
    expect(infra.resultPubSub).toBeInstanceOf(RedisResultPubSub);
    expect(infra.bus).toBeInstanceOf(RedisInvalidationBus);
    expect(infra.health.map((h) => h.name)).toEqual(['redis']);
    await infra.health[0]!.check();
    const c = buildContainer({ config: config(), datastore: new InmemDatastore(), logger: silentLogger, liveQuery: infra });
    expect(c.get<LiveQueryStore>(TYPES.LiveQueryStore)).toBe(infra.liveQueryStore);
    expect(c.get(TYPES.ResultPubSub)).toBe(infra.resultPubSub);
    expect(c.get(TYPES.InvalidationBus)).toBe(infra.bus);
    const admin = testRedisClient();
    try {
      expect(await admin.client('LIST')).toContain(` name=${name}-sub `);
      await infra.close();
      await infra.close();
      await eventually(async () => expect(await admin.client('LIST')).not.toContain(`name=${name}`));
    } finally {
      await admin.quit();
    }
  });

  it('lets two servers share live queries through Redis', async () => {
    const a = await createLiveQueryInfra(config((c) => (c.redis.url = TEST_REDIS_URL)), silentLogger, { keyPrefix: prefix });
    const b = await createLiveQueryInfra(config((c) => (c.redis.url = TEST_REDIS_URL)), silentLogger, { keyPrefix: prefix });
    try {
      await a.liveQueryStore.runQuery(9, 'select 9', [4]);
      await eventually(() => expect(b.liveQueryStore.queriesForHost(4)).toEqual([[9, 'select 9']]));
      const seen: unknown[] = [];
      b.bus.subscribe((e) => seen.push(e));
      a.bus.publish({ kind: 'labels-changed' });
      await eventually(() => expect(seen).toEqual([{ kind: 'labels-changed' }]));
    } finally {
      await a.liveQueryStore.stopQuery(9);
      await a.close();
      await b.close();
    }
  });

  it('serves /healthz with a redis check and closes cleanly', async () => {
    const server = await startServer(
      config((c) => {
        c.redis.url = TEST_REDIS_URL;
        c.redis.key_prefix = prefix;
      }),
      silentLogger,
    );
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

const describeIfRedisServer = redisServerBinary() ? describe : describe.skip;

describeIfRedisServer('a server whose Redis goes away and comes back', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reports redis unhealthy while it is down and recovers after it restarts', async () => {
    const redis = await startPrivateRedis();
    try {
      server = await startServer(config((c) => (c.redis.url = redis.url)), silentLogger);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await redis.stop();
      await eventually(async () => {
        const res = await fetch(`${server!.url}/healthz`);
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ message: 'Health Check Failed', errors: [{ name: 'redis', reason: 'unhealthy' }] });
      }, 10_000);
      await redis.restart();
      await eventually(async () => expect((await fetch(`${server!.url}/healthz`)).status).toBe(200), 10_000);
    } finally {
      await server?.close();
      server = undefined;
      await redis.stop();
    }
  });
});
