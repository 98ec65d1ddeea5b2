import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LocalInvalidationBus, type InvalidationBus, type InvalidationEvent } from '../../internal/cache/invalidation-bus';
import { RedisInvalidationBus, RESYNC_EVENTS } from '../../internal/cache/redis-invalidation-bus';
import { RedisConnections } from '../../internal/redis';
import { deleteKeys, describeIfRedis, eventually, TEST_REDIS_URL, testKeyPrefix, testRedisClient } from '../support/redis';

function record(bus: InvalidationBus): InvalidationEvent[] {
  const events: InvalidationEvent[] = [];
  bus.subscribe((e) => events.push(e));
  return events;
}

describe('LocalInvalidationBus', () => {
  it('runs listeners synchronously, in order, until they unsubscribe', () => {
    const bus = new LocalInvalidationBus();
    const seen: string[] = [];
    const off = bus.subscribe((e) => seen.push(`a:${e.kind}`));
    bus.subscribe((e) => seen.push(`b:${e.kind}`));
    bus.publish({ kind: 'labels-changed' });
    expect(seen).toEqual(['a:labels-changed', 'b:labels-changed']);
    off();
    bus.publish({ kind: 'host-changed', hostId: 3 });
    expect(seen).toEqual(['a:labels-changed', 'b:labels-changed', 'b:host-changed']);
  });

  it('has no other instances to tell: publishToOthers reaches no local listener', () => {
    const bus = new LocalInvalidationBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(e.kind));
    bus.publishToOthers({ kind: 'host-labels-changed', hostId: 1 });
    expect(seen).toEqual([]);
  });
});

describeIfRedis('RedisInvalidationBus across instances', () => {
  interface Instance {
    conns: RedisConnections;
    bus: RedisInvalidationBus;
    name: string;
  }
  let prefix: string;
  let a: Instance;
  let b: Instance;
  let admin: Redis;

  async function instance(): Promise<Instance> {
    const name = `fleet-test-${randomBytes(4).toString('hex')}`;
    const conns = await RedisConnections.open({ url: TEST_REDIS_URL, keyPrefix: prefix, redisOptions: { connectionName: name } });
    return { conns, bus: await RedisInvalidationBus.start(conns), name };
  }

  beforeEach(async () => {
    prefix = testKeyPrefix();
    admin = testRedisClient();
    a = await instance();
    b = await instance();
  });
  afterEach(async () => {
    for (const i of [a, b]) {
      await i.bus.close();
      await i.conns.close();
    }
    await deleteKeys(prefix);
    await admin.quit();
  });

  it('delivers to local listeners at once and to the other instance soon after, once each', async () => {
    const onA = record(a.bus);
    const onB = record(b.bus);
    const e: InvalidationEvent = { kind: 'node-key-revoked', nodeKeyHash: 'abc' };
    a.bus.publish(e);
    expect(onA).toEqual([e]); // synchronous locally
    await eventually(() => expect(onB).toEqual([e]));
    b.bus.publish({ kind: 'host-changed', hostId: 7 });
    await eventually(() => expect(onA).toEqual([e, { kind: 'host-changed', hostId: 7 }]));
    await new Promise((r) => setTimeout(r, 50));
    expect(onA).toHaveLength(2); // its own message came back from Redis and was ignored
    expect(onB).toHaveLength(2);
  });

  it('keeps the order of events from one instance', async () => {
    const onB = record(b.bus);
    const sent: InvalidationEvent[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'host-changed', hostId: i }));
    for (const e of sent) a.bus.publish(e);
    await eventually(() => expect(onB).toEqual(sent));
  });

  it("publishToOthers carries a host's label-membership change to the other instance only", async () => {
    const onA = record(a.bus);
    const onB = record(b.bus);
    a.bus.publishToOthers({ kind: 'host-labels-changed', hostId: 42 });
    await eventually(() => expect(onB).toEqual([{ kind: 'host-labels-changed', hostId: 42 }]));
    expect(onA).toEqual([]);
  });

  it('ignores malformed and unknown messages', async () => {
    const onB = record(b.bus);
    const channel = `${prefix}cache_invalidation`;
    await admin.publish(channel, 'not json');
    await admin.publish(channel, JSON.stringify({ i: 'other', e: { kind: 'format-disk' } }));
    await admin.publish(channel, JSON.stringify({ i: 'other', e: { kind: 'labels-changed' } }));
    await eventually(() => expect(onB).toEqual([{ kind: 'labels-changed' }]));
  });

  it('tells local listeners to drop everything after its connection came back', async () => {
    const onB = record(b.bus);
    const list = (await admin.client('LIST')) as string;
    const id = /\bid=(\d+)/.exec(list.split('\n').find((l) => l.includes(` name=${b.name}-sub `))!)![1]!;
    await admin.client('KILL', 'ID', id);
    await eventually(() => expect(onB).toEqual(RESYNC_EVENTS));
    // …and receives live events again.
    a.bus.publish({ kind: 'app-config-changed' });
    await eventually(() => expect(onB).toEqual([...RESYNC_EVENTS, { kind: 'app-config-changed' }]));
  });

  it('still delivers locally when Redis is unreachable', async () => {
    const onA = record(a.bus);
    a.conns.command.disconnect();
    a.bus.publish({ kind: 'labels-changed' });
    expect(onA).toEqual([{ kind: 'labels-changed' }]);
  });
});
