import { RedisLiveQueryStore, RedisResultPubSub } from '../../internal/livequery';
import { RedisConnections } from '../../internal/redis';
import { deleteKeys, describeIfRedis, TEST_REDIS_URL, testKeyPrefix } from '../support/redis';
import { liveQueryStoreContract, resultPubSubContract, type LiveQueryHarness } from './contract';

describeIfRedis('Redis live-query implementations', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const p of prefixes) await deleteKeys(p);
  });

  // A fresh prefix per test: every test starts from an empty Redis namespace.
  async function redis(): Promise<LiveQueryHarness> {
    const prefix = testKeyPrefix();
    prefixes.push(prefix);
    const conns = await RedisConnections.open({ url: TEST_REDIS_URL, keyPrefix: prefix });
    const store = await RedisLiveQueryStore.start(conns, { resyncIntervalMs: 0 });
    const pubsub = new RedisResultPubSub(conns);
    return {
      store,
      pubsub,
      close: async () => {
        await store.close();
        await pubsub.close();
        await conns.close();
        await deleteKeys(prefix);
      },
    };
  }

  liveQueryStoreContract(redis);
  resultPubSubContract(redis);
});
