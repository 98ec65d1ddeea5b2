import { LocalLiveQueryStore, LocalResultPubSub } from '../../internal/livequery';
import { liveQueryStoreContract, result, resultPubSubContract, type LiveQueryHarness } from './contract';

async function local(): Promise<LiveQueryHarness> {
  const store = new LocalLiveQueryStore();
  const pubsub = new LocalResultPubSub();
  return {
    store,
    pubsub,
    close: async () => {
      await store.close();
      await pubsub.close();
    },
  };
}

describe('local live-query implementations', () => {
  liveQueryStoreContract(local);
  resultPubSubContract(local);

  it('delivers before publish resolves and counts every local listener', async () => {
    const pubsub = new LocalResultPubSub();
    const got: number[] = [];
    await pubsub.subscribe(1, () => got.push(1));
    await pubsub.subscribe(1, () => got.push(2));
    const count = pubsub.publish(1, result(1, 1));
    expect(got).toEqual([1, 2]); // synchronous: no window in which a result can be lost
    expect(await count).toBe(2);
    expect(pubsub.listenerCount(1)).toBe(2);
  });

  it('delivers to the listeners present at publish time even if one unsubscribes another meanwhile', async () => {
    const pubsub = new LocalResultPubSub();
    const got: string[] = [];
    let offB: () => Promise<void> = async () => undefined;
    await pubsub.subscribe(1, () => {
      got.push('a');
      void offB();
    });
    offB = await pubsub.subscribe(1, () => got.push('b'));
    expect(await pubsub.publish(1, result(1, 1))).toBe(2);
    expect(got).toEqual(['a', 'b']);
    expect(await pubsub.publish(1, result(1, 2))).toBe(1);
    expect(pubsub.listenerCount(1)).toBe(1);
  });
});
