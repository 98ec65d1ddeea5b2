// The contract of LiveQueryStore and ResultPubSub, written once and run against every
// implementation (local.contract.test.ts, redis.contract.test.ts).
import type { CampaignResult, LiveQueryStore, ResultPubSub } from '../../internal/livequery';
import { eventually } from '../support/redis';

export interface LiveQueryHarness {
  store: LiveQueryStore;
  pubsub: ResultPubSub;
  close(): Promise<void>;
}

export function result(campaignId: number, hostId: number, extra: Partial<CampaignResult> = {}): CampaignResult {
  return {
    distributed_query_execution_id: campaignId,
    host: { id: hostId, hostname: `host-${hostId}` },
    rows: [{ n: String(hostId) }],
    error: null,
    ...extra,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

export function liveQueryStoreContract(make: () => Promise<LiveQueryHarness>): void {
  describe('LiveQueryStore contract', () => {
    let h: LiveQueryHarness;
    let store: LiveQueryStore;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(() => h.close());

    it('has nothing pending at first, answering with one shared empty array', () => {
      const a = store.queriesForHost(1);
      expect(a).toEqual([]);
      expect(store.queriesForHost(2)).toBe(a);
      expect(store.activeCampaigns()).toEqual([]);
    });

    it('offers a campaign to its target hosts only', async () => {
      await store.runQuery(7, 'select 1', [1, 3]);
      expect(store.queriesForHost(1)).toEqual([[7, 'select 1']]);
      expect(store.queriesForHost(3)).toEqual([[7, 'select 1']]);
      expect(store.queriesForHost(2)).toEqual([]);
      expect(store.activeCampaigns()).toEqual([7]);
    });

    it('allocates nothing for a host with nothing pending while campaigns run', async () => {
      await store.runQuery(7, 'select 1', [1]);
      await store.runQuery(8, 'select 2', [2]);
      expect(store.queriesForHost(99)).toBe(store.queriesForHost(98));
    });

    it('offers every campaign pending for a host, in the order they were run', async () => {
      await store.runQuery(11, 'select 11', [5]);
      await store.runQuery(12, 'select 12', [5, 6]);
      expect(store.queriesForHost(5)).toEqual([
        [11, 'select 11'],
        [12, 'select 12'],
      ]);
      expect(store.activeCampaigns()).toEqual([11, 12]);
    });

    it('stops offering a campaign to a host that answered', async () => {
      await store.runQuery(7, 'select 1', [1, 2]);
      await store.queryCompletedByHost(7, 1);
      expect(store.queriesForHost(1)).toEqual([]);
      expect(store.queriesForHost(2)).toEqual([[7, 'select 1']]);
      await store.queryCompletedByHost(7, 1); // twice: no effect
      expect(store.queriesForHost(2)).toEqual([[7, 'select 1']]);
    });

    it('drops a campaign from the active ones once every host answered', async () => {
      await store.runQuery(7, 'select 1', [1, 2]);
      await store.queryCompletedByHost(7, 1);
      await store.queryCompletedByHost(7, 2);
      expect(store.activeCampaigns()).toEqual([]);
    });

    it('stops a campaign for every host; stopping is idempotent', async () => {
      await store.runQuery(7, 'select 1', [1, 2]);
      await store.runQuery(8, 'select 2', [1]);
      await store.stopQuery(7);
      await store.stopQuery(7);
      await store.stopQuery(404);
      expect(store.queriesForHost(1)).toEqual([[8, 'select 2']]);
      expect(store.queriesForHost(2)).toEqual([]);
      expect(store.activeCampaigns()).toEqual([8]);
    });

    it('ignores completions of unknown campaigns and hosts', async () => {
      await store.queryCompletedByHost(404, 1);
      await store.runQuery(7, 'select 1', [1]);
      await store.queryCompletedByHost(7, 2);
      expect(store.queriesForHost(1)).toEqual([[7, 'select 1']]);
    });

    it('replaces SQL and targets when a campaign is run again', async () => {
      await store.runQuery(7, 'select 1', [1]);
      await store.runQuery(7, 'select 2', [2]);
      expect(store.queriesForHost(1)).toEqual([]);
      expect(store.queriesForHost(2)).toEqual([[7, 'select 2']]);
    });

    it('makes nothing pending for a campaign without hosts', async () => {
      await store.runQuery(7, 'select 1', []);
      expect(store.activeCampaigns()).toEqual([]);
    });

    it('handles host id 0, large ids and duplicates', async () => {
      await store.runQuery(7, 'select 1', [0, 1_000_003, 1_000_003, 9]);
      expect(store.queriesForHost(0)).toEqual([[7, 'select 1']]);
      expect(store.queriesForHost(1_000_003)).toEqual([[7, 'select 1']]);
      expect(store.queriesForHost(1_000_002)).toEqual([]);
      await store.queryCompletedByHost(7, 1_000_003);
      expect(store.queriesForHost(1_000_003)).toEqual([]);
    });

    it('keeps SQL text exactly (quotes, newlines, unicode)', async () => {
      const sql = "select 'a\"b' as x,\n  '☃' as y; -- comment";
      await store.runQuery(7, sql, [1]);
      expect(store.queriesForHost(1)).toEqual([[7, sql]]);
    });

    it('rejects ids that are not positive integers', async () => {
      await expect(store.runQuery(0, 'select 1', [1])).rejects.toThrow(RangeError);
      await expect(store.runQuery(7, 'select 1', [-1])).rejects.toThrow(RangeError);
      await expect(store.runQuery(7, 'select 1', [1.5])).rejects.toThrow(RangeError);
      expect(store.activeCampaigns()).toEqual([]);
    });
  });
}

export function resultPubSubContract(make: () => Promise<LiveQueryHarness>): void {
  describe('ResultPubSub contract', () => {
    let h: LiveQueryHarness;
    let pubsub: ResultPubSub;
    beforeEach(async () => {
      h = await make();
      pubsub = h.pubsub;
    });
    afterEach(() => h.close());

    it('reports an orphan (0) when nobody listens', async () => {
      expect(await pubsub.publish(42, result(42, 1))).toBe(0);
    });

    it('delivers a result to a listener subscribed before the publish, and counts it', async () => {
      const got: CampaignResult[] = [];
      await pubsub.subscribe(42, (r) => got.push(r));
      expect(await pubsub.publish(42, result(42, 1))).toBe(1);
      await eventually(() => expect(got).toEqual([result(42, 1)]));
    });

    it('delivers every result to every listener of the campaign, in publish order', async () => {
      const a: CampaignResult[] = [];
      const b: CampaignResult[] = [];
      await pubsub.subscribe(42, (r) => a.push(r));
      await pubsub.subscribe(42, (r) => b.push(r));
      for (let host = 1; host <= 20; host++) expect(await pubsub.publish(42, result(42, host))).toBeGreaterThanOrEqual(1);
      const expected = Array.from({ length: 20 }, (_, i) => result(42, i + 1));
      await eventually(() => {
        expect(a).toEqual(expected);
        expect(b).toEqual(expected);
      });
    });

    it('keeps campaigns apart', async () => {
      const got: CampaignResult[] = [];
      await pubsub.subscribe(42, (r) => got.push(r));
      expect(await pubsub.publish(43, result(43, 1))).toBe(0);
      await pubsub.publish(42, result(42, 2));
      await eventually(() => expect(got).toEqual([result(42, 2)]));
    });

    it('counts nobody once the last listener unsubscribed; unsubscribing twice is harmless', async () => {
      const got: CampaignResult[] = [];
      const off1 = await pubsub.subscribe(42, (r) => got.push(r));
      const off2 = await pubsub.subscribe(42, (r) => got.push(r));
      await off1();
      await off1();
      expect(await pubsub.publish(42, result(42, 1))).toBe(1);
      await eventually(() => expect(got).toHaveLength(1));
      await off2();
      expect(await pubsub.publish(42, result(42, 2))).toBe(0);
      await tick();
      expect(got).toHaveLength(1);
    });

    it('counts one function subscribed twice as two listeners', async () => {
      const got: CampaignResult[] = [];
      const listener = (r: CampaignResult) => got.push(r);
      const off1 = await pubsub.subscribe(42, listener);
      await pubsub.subscribe(42, listener);
      await off1();
      expect(await pubsub.publish(42, result(42, 1))).toBe(1);
      await eventually(() => expect(got).toHaveLength(1));
    });

    it('isolates a throwing listener from the others and from the publisher', async () => {
      const got: CampaignResult[] = [];
      await pubsub.subscribe(42, () => {
        throw new Error('socket gone');
      });
      await pubsub.subscribe(42, (r) => got.push(r));
      await expect(pubsub.publish(42, result(42, 1))).resolves.toBeGreaterThanOrEqual(1);
      await eventually(() => expect(got).toHaveLength(1));
    });

    it('carries error results and empty rows unchanged', async () => {
      const got: CampaignResult[] = [];
      await pubsub.subscribe(42, (r) => got.push(r));
      const failed = result(42, 1, { rows: [], error: 'no such table: nope' });
      await pubsub.publish(42, failed);
      await eventually(() => expect(got).toEqual([failed]));
    });

    it('passes its health check', async () => {
      await expect(pubsub.healthCheck()).resolves.toBeUndefined();
    });
  });
}
