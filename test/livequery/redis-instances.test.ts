// Two "instances" (two sets of Redis connections, as two processes would have) sharing one
// Redis: live-query mirrors, result routing and receiver counts, reconnects.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LIVE_QUERY_TTL_SECONDS, RedisLiveQueryStore, RedisResultPubSub, type CampaignResult } from '../../internal/livequery';
import { RedisConnections } from '../../internal/redis';
import { deleteKeys, describeIfRedis, eventually, TEST_REDIS_URL, testKeyPrefix, testRedisClient } from '../support/redis';
import { result } from './contract';

interface Instance {
  conns: RedisConnections;
  store: RedisLiveQueryStore;
  pubsub: RedisResultPubSub;
  name: string;
  close(): Promise<void>;
}

async function instance(prefix: string): Promise<Instance> {
  const name = `fleet-test-${randomBytes(4).toString('hex')}`;
  const conns = await RedisConnections.open({ url: TEST_REDIS_URL, keyPrefix: prefix, redisOptions: { connectionName: name } });
  const store = await RedisLiveQueryStore.start(conns, { resyncIntervalMs: 0 });
  const pubsub = new RedisResultPubSub(conns);
  return {
    conns,
    store,
    pubsub,
    name,
    close: async () => {
      await store.close();
      await pubsub.close();
      await conns.close();
    },
  };
}

/** Kills a connection server-side (as a Redis restart or network drop would). */
async function killConnection(admin: Redis, name: string): Promise<void> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) throw new Error(`no connection named ${name}`);
  const id = /\bid=(\d+)/.exec(line)![1]!;
  await admin.client('KILL', 'ID', id);
}

/** Closes a client (no automatic reconnect) and waits until the server no longer lists it. */
async function takeDown(admin: Redis, client: Redis, name: string): Promise<void> {
  const ended = new Promise((r) => client.once('end', r));
  client.disconnect();
  await ended;
  await eventually(async () => expect((await admin.client('LIST')) as string).not.toContain(` name=${name} `));
}

async function numsub(admin: Redis, channel: string): Promise<number> {
  const reply = (await admin.pubsub('NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

describeIfRedis('Redis live queries across instances', () => {
  let prefix: string;
  let a: Instance;
  let b: Instance;
  let admin: Redis;
  beforeEach(async () => {
    prefix = testKeyPrefix();
    admin = testRedisClient();
    a = await instance(prefix);
    b = await instance(prefix);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    expect(await deleteKeys(prefix)).toBeGreaterThanOrEqual(0);
    await admin.quit();
  });

  describe('pending queries', () => {
    it("shows each instance the other's runs, completions and stops", async () => {
      await a.store.runQuery(5, 'select 5', [1, 2, 3]);
      await eventually(() => expect(b.store.queriesForHost(2)).toEqual([[5, 'select 5']]));
      await b.store.queryCompletedByHost(5, 2);
      expect(b.store.queriesForHost(2)).toEqual([]);
      await eventually(() => expect(a.store.mirroredHosts(5)).toEqual([1, 3]));
      await b.store.runQuery(6, 'select 6', [1]);
      await eventually(() => expect(a.store.queriesForHost(1)).toEqual([[5, 'select 5'], [6, 'select 6']]));
      await a.store.stopQuery(5);
      await eventually(() => expect(b.store.activeCampaigns()).toEqual([6]));
      expect(b.store.queriesForHost(3)).toEqual([]);
    });

    it('sends big campaigns compactly and decodes them on the other side', async () => {
      const hosts = Array.from({ length: 5000 }, (_, i) => i * 3 + 1);
      await a.store.runQuery(5, 'select 5', hosts);
      await eventually(() => expect(b.store.mirroredHosts(5)).toEqual(hosts));
      const sparse = [2, 9_000_001];
      await a.store.runQuery(6, 'select 6', sparse);
      await eventually(() => expect(b.store.mirroredHosts(6)).toEqual(sparse));
    });

    it('loads the current state when an instance starts', async () => {
      await a.store.runQuery(5, 'select 5', [1, 2]);
      await a.store.runQuery(6, 'select 6', [3]);
      await a.store.queryCompletedByHost(5, 1);
      await a.store.stopQuery(6);
      const c = await instance(prefix);
      try {
        expect(c.store.activeCampaigns()).toEqual([5]);
        expect(c.store.queriesForHost(1)).toEqual([]);
        expect(c.store.queriesForHost(2)).toEqual([[5, 'select 5']]);
      } finally {
        await c.close();
      }
    });

    it('writes Fleet-style keys with a 7-day TTL, indexes campaigns, and deletes them on stop', async () => {
      await a.store.runQuery(5, 'select 5', [0, 9]);
      expect(await admin.get(`${prefix}sql:livequery:5`)).toBe('select 5');
      // Fleet's bitfield: offset = host id, MSB first.
      expect(await admin.getbit(`${prefix}livequery:5`, 0)).toBe(1);
      expect(await admin.getbit(`${prefix}livequery:5`, 9)).toBe(1);
      expect(await admin.getbit(`${prefix}livequery:5`, 8)).toBe(0);
      for (const key of ['sql:livequery:5', 'livequery:5', 'livequery_active']) {
        const ttl = await admin.ttl(`${prefix}${key}`);
        expect(ttl).toBeGreaterThan(LIVE_QUERY_TTL_SECONDS - 60);
        expect(ttl).toBeLessThanOrEqual(LIVE_QUERY_TTL_SECONDS);
      }
      expect(await admin.smembers(`${prefix}livequery_active`)).toEqual(['5']);
      await a.store.queryCompletedByHost(5, 9);
      expect(await admin.getbit(`${prefix}livequery:5`, 9)).toBe(0);
      await a.store.stopQuery(5);
      expect(await admin.exists(`${prefix}sql:livequery:5`, `${prefix}livequery:5`)).toBe(0);
      expect(await admin.smembers(`${prefix}livequery_active`)).toEqual([]);
      // A late completion must not recreate the key (SETBIT would, without a TTL).
      await b.store.queryCompletedByHost(5, 0);
      expect(await admin.exists(`${prefix}livequery:5`)).toBe(0);
    });

    it('drops campaigns whose keys expired on the next reload, and cleans the index', async () => {
      await a.store.runQuery(5, 'select 5', [1]);
      await a.store.runQuery(6, 'select 6', [1]);
      await eventually(() => expect(b.store.activeCampaigns()).toEqual([5, 6]));
      await admin.del(`${prefix}sql:livequery:5`, `${prefix}livequery:5`); // as the TTL would
      await b.store.reload();
      expect(b.store.activeCampaigns()).toEqual([6]);
      expect(await admin.smembers(`${prefix}livequery_active`)).toEqual(['6']);
    });

    it('loses no event that arrives while a reload is in flight', async () => {
      await a.store.runQuery(5, 'select 5', [1, 2, 3, 4]);
      await eventually(() => expect(b.store.activeCampaigns()).toEqual([5]));
      for (let i = 0; i < 20; i++) {
        const reload = b.store.reload();
        const work = [a.store.runQuery(100 + i, `select ${i}`, [7]), a.store.stopQuery(100 + i - 1)];
        await Promise.all([reload, ...work]);
      }
      await b.store.queryCompletedByHost(5, 1);
      await eventually(() => {
        expect(b.store.activeCampaigns()).toEqual([5, 119]);
        expect(a.store.activeCampaigns()).toEqual([5, 119]);
        expect(a.store.mirroredHosts(5)).toEqual([2, 3, 4]);
      });
    });

    it('catches up with changes made while its subscriber connection was down', async () => {
      await a.store.runQuery(5, 'select 5', [1, 2]);
      await eventually(() => expect(b.store.activeCampaigns()).toEqual([5]));
      await takeDown(admin, b.conns.subscriber, `${b.name}-sub`); // down, no automatic reconnect
      await a.store.runQuery(6, 'select 6', [1]);
      await a.store.queryCompletedByHost(5, 1);
      await a.store.stopQuery(5);
      await new Promise((r) => setTimeout(r, 50));
      expect(b.store.activeCampaigns()).toEqual([5]); // stale while disconnected
      await expect(b.conns.healthCheck()).rejects.toThrow(/subscriber/);
      await b.conns.subscriber.connect();
      await eventually(() => expect(b.store.activeCampaigns()).toEqual([6]));
      // …and follows live events again afterwards.
      await a.store.queryCompletedByHost(6, 1);
      await eventually(() => expect(b.store.activeCampaigns()).toEqual([]));
      await b.conns.healthCheck();
    });

    it('recovers from a connection killed by the server', async () => {
      await killConnection(admin, `${b.name}-sub`);
      await killConnection(admin, b.name);
      await a.store.runQuery(5, 'select 5', [1]);
      await eventually(() => expect(b.store.activeCampaigns()).toEqual([5]));
      await b.store.queryCompletedByHost(5, 1); // command connection back too
      await eventually(() => expect(a.store.activeCampaigns()).toEqual([]));
    });
  });

  describe('results', () => {
    it('routes a result published on one instance to the listener on the other, counting receivers', async () => {
      const got: CampaignResult[] = [];
      await a.pubsub.subscribe(42, (r) => got.push(r));
      expect(await b.pubsub.publish(42, result(42, 1))).toBe(1);
      await eventually(() => expect(got).toEqual([result(42, 1)]));
    });

    it('counts one receiver per listening instance', async () => {
      const offA1 = await a.pubsub.subscribe(42, () => undefined);
      const offA2 = await a.pubsub.subscribe(42, () => undefined);
      const offB = await b.pubsub.subscribe(42, () => undefined);
      expect(await a.pubsub.publish(42, result(42, 1))).toBe(2);
      await offA1();
      expect(await a.pubsub.publish(42, result(42, 1))).toBe(2);
      await offA2();
      expect(await a.pubsub.publish(42, result(42, 1))).toBe(1);
      await offB();
      expect(await a.pubsub.publish(42, result(42, 1))).toBe(0);
    });

    it('unsubscribes the channel when the last local listener leaves (no leaked subscription)', async () => {
      const channel = `${prefix}results_42`;
      const offs = await Promise.all([1, 2, 3].map(() => a.pubsub.subscribe(42, () => undefined)));
      expect(await numsub(admin, channel)).toBe(1);
      expect(a.conns.subscriptions().get(channel)).toBe(3);
      await offs[0]!();
      await offs[1]!();
      expect(await numsub(admin, channel)).toBe(1);
      await offs[2]!();
      expect(await numsub(admin, channel)).toBe(0);
      expect(a.conns.subscriptions().has(channel)).toBe(false);
    });

    it('stays consistent when subscribes and unsubscribes interleave', async () => {
      const channel = `${prefix}results_42`;
      for (let i = 0; i < 10; i++) {
        const off = await a.pubsub.subscribe(42, () => undefined);
        const [off2] = await Promise.all([a.pubsub.subscribe(42, () => undefined), off()]);
        await Promise.all([off2(), a.pubsub.subscribe(42, () => undefined).then((o) => o())]);
      }
      expect(await numsub(admin, channel)).toBe(0);
      const got: CampaignResult[] = [];
      const [off] = await Promise.all([a.pubsub.subscribe(42, (r) => got.push(r)), a.pubsub.subscribe(43, () => undefined).then((o) => o())]);
      expect(await b.pubsub.publish(42, result(42, 1))).toBe(1);
      await eventually(() => expect(got).toHaveLength(1));
      await off();
      expect(await numsub(admin, channel)).toBe(0);
    });

    it('close() unsubscribes what its listeners still hold', async () => {
      await a.pubsub.subscribe(42, () => undefined);
      await a.pubsub.subscribe(43, () => undefined);
      await a.pubsub.close();
      expect(await numsub(admin, `${prefix}results_42`)).toBe(0);
      expect(await numsub(admin, `${prefix}results_43`)).toBe(0);
    });

    it('keeps delivering after the subscriber connection is killed and comes back', async () => {
      const got: CampaignResult[] = [];
      await a.pubsub.subscribe(42, (r) => got.push(r));
      await killConnection(admin, `${a.name}-sub`);
      await eventually(async () => {
        expect(await b.pubsub.publish(42, result(42, 1))).toBe(1);
      });
      await eventually(() => expect(got.length).toBeGreaterThanOrEqual(1));
      expect(got[0]).toEqual(result(42, 1));
    });

    it('keeps delivering after client.disconnect() and a reconnect', async () => {
      const got: CampaignResult[] = [];
      await a.pubsub.subscribe(42, (r) => got.push(r));
      await takeDown(admin, a.conns.subscriber, `${a.name}-sub`);
      expect(await b.pubsub.publish(42, result(42, 1))).toBe(0); // nobody while down: an orphan
      await a.conns.subscriber.connect();
      await eventually(async () => expect(await b.pubsub.publish(42, result(42, 2))).toBe(1));
      await eventually(() => expect(got.map((r) => (r.host as { id: number }).id)).toContain(2));
      expect(got.map((r) => (r.host as { id: number }).id)).not.toContain(1);
    });
  });
});
