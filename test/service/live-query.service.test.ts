// LiveQueryService on the in-memory store with the in-process live-query store and pub/sub.
import { TYPES } from '../../internal/container/identifiers';
import {
  CAMPAIGN_COMPLETED,
  CAMPAIGN_RUNNING,
  CAMPAIGN_WAITING,
  FeatureDisabledError,
  InvalidArgumentError,
  NotFoundError,
  PermissionError,
  UnprocessableError,
  type StreamMessage,
  type Viewer,
} from '../../internal/fleet';
import type { LocalLiveQueryStore, LocalResultPubSub } from '../../internal/livequery';
import type { LiveQueryServiceImpl } from '../../service/live-query.service';
import { cleanupCampaigns } from '../../service/jobs/campaign-cleanup';
import { JobRunner } from '../../service/jobs/job-runner';
import { enrollHost, setMembership, type EnrolledHost } from '../http/host-fixtures';
import { silentLogger } from '../support/silent-logger';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY = 24 * 3600;
const TICK_MS = 25;

async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LiveQueryService', () => {
  let t: TestApp;
  let svc: LiveQueryServiceImpl;
  let store: LocalLiveQueryStore;
  let pubsub: LocalResultPubSub;
  let admin: Viewer;
  let alice: Viewer;
  let bob: Viewer;

  beforeEach(async () => {
    t = await startTestApp({ liveQueryService: { streamTickMs: TICK_MS }, agent: { seenFlushIntervalMs: 0 } });
    const { token } = await t.setup();
    admin = await t.services.sessions.authenticate(token);
    alice = await t.services.sessions.authenticate((await t.createUser({ username: 'alice' })).token);
    bob = await t.services.sessions.authenticate((await t.createUser({ username: 'bob' })).token);
    svc = t.container.get(TYPES.LiveQueryService);
    store = t.container.get(TYPES.LiveQueryStore);
    pubsub = t.container.get(TYPES.ResultPubSub);
  });
  afterEach(async () => {
    await t.close();
  });

  async function fleet(): Promise<{ online: EnrolledHost; offline: EnrolledHost; mia: EnrolledHost; old: EnrolledHost }> {
    return {
      online: await enrollHost(t, { hostname: 'on.local' }),
      offline: await enrollHost(t, { hostname: 'off.local', seenAgo: 600, createdAgo: 2 * DAY }),
      mia: await enrollHost(t, { hostname: 'mia.local', seenAgo: 31 * DAY, createdAgo: 40 * DAY }),
      old: await enrollHost(t, { hostname: 'old.local', createdAgo: 3 * DAY }),
    };
  }

  describe('runQuery', () => {
    test('creates an unsaved query, a waiting campaign with its targets, registers the hosts and counts Metrics', async () => {
      const h = await fleet();
      const label = await t.ds.newLabel({ name: 'L', description: '', query: 'select 1', platform: '', label_type: 'regular', label_membership_type: 'dynamic' });
      await setMembership(t, h.mia.host.id, label.id, true);
      await setMembership(t, h.online.host.id, label.id, true);
      const { campaign, metrics } = await svc.runQuery(alice, 'select * from osquery_info', {
        host_ids: [h.online.host.id, h.offline.host.id, h.old.host.id, 99_999],
        label_ids: [label.id],
      });
      expect(campaign).toMatchObject({ status: CAMPAIGN_WAITING, user_id: alice.user.id });
      expect(metrics).toEqual({ total: 4, online: 2, offline: 1, mia: 1, new: 1 });
      const query = await t.ds.query(campaign.query_id);
      expect(query).toMatchObject({ saved: false, query: 'select * from osquery_info', author_id: alice.user.id });
      expect(query.name).toMatch(/^distributed_alice_\d+_[0-9a-f]{8}$/);
      expect(await t.ds.campaignTargets(campaign.id)).toEqual({ host_ids: [h.online.host.id, h.offline.host.id, h.old.host.id, 99_999].sort((a, b) => a - b), label_ids: [label.id] });
      expect(store.activeCampaigns()).toEqual([campaign.id]);
      for (const x of [h.online, h.offline, h.mia, h.old]) {
        expect(store.queriesForHost(x.host.id)).toEqual([[campaign.id, 'select * from osquery_info']]);
      }
      // Saved-query listings do not show it.
      expect((await t.ds.listQueries({ page: 0, orderDirection: 'asc' })).some((q) => q.id === query.id && q.saved)).toBe(false);
    });

    test('two runs by one user in the same second get distinct query names', async () => {
      const { online } = await fleet();
      const a = await svc.runQuery(alice, 'select 1', { host_ids: [online.host.id], label_ids: [] });
      const b = await svc.runQuery(alice, 'select 1', { host_ids: [online.host.id], label_ids: [] });
      expect(a.campaign.id).not.toBe(b.campaign.id);
      expect((await t.ds.query(a.campaign.query_id)).name).not.toBe((await t.ds.query(b.campaign.query_id)).name);
    });

    test('disabled live queries: FeatureDisabledError "live queries are disabled", nothing written', async () => {
      const { online } = await fleet();
      const cfg = await t.ds.appConfig();
      await t.ds.saveAppConfig({ ...cfg, server_settings: { ...cfg.server_settings, live_query_disabled: true } });
      const err = await svc.runQuery(alice, 'select 1', { host_ids: [online.host.id], label_ids: [] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FeatureDisabledError);
      expect((err as FeatureDisabledError).reason).toBe('live queries are disabled');
      await expect(svc.liveQueryStatus()).rejects.toBeInstanceOf(FeatureDisabledError);
      await expect(svc.resultStoreStatus()).resolves.toBeUndefined();
      expect(store.activeCampaigns()).toEqual([]);
    });

    test('nothing selected, ATTACH and empty SQL are 422s', async () => {
      await expect(svc.runQuery(alice, 'select 1', { host_ids: [], label_ids: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(svc.runQueryByNames(alice, 'select 1', { hosts: [], labels: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
      const attach = await svc.runQuery(alice, "ATTACH '/tmp/x.db' AS x", { host_ids: [1], label_ids: [] }).catch((e: unknown) => e);
      expect(attach).toBeInstanceOf(InvalidArgumentError);
      expect((attach as InvalidArgumentError).reasons).toEqual([{ name: 'query', reason: 'ATTACH not allowed in queries' }]);
      await expect(svc.runQuery(alice, '  ', { host_ids: [1], label_ids: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    test('zero resolved hosts: 422 "no hosts targeted" and no orphan rows', async () => {
      const label = await t.ds.newLabel({ name: 'empty', description: '', query: 'select 1', platform: '', label_type: 'regular', label_membership_type: 'dynamic' });
      const before = (await t.ds.listQueries({ page: 0, orderDirection: 'asc' })).length;
      const err = await svc.runQuery(alice, 'select 1', { host_ids: [12345], label_ids: [label.id] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnprocessableError);
      expect((err as UnprocessableError).reason).toBe('no hosts targeted');
      await expect(svc.runQueryByNames(alice, 'select 1', { hosts: ['nope'], labels: ['nope'] })).rejects.toBeInstanceOf(UnprocessableError);
      expect((await t.ds.listQueries({ page: 0, orderDirection: 'asc' })).length).toBe(before);
      await expect(t.ds.campaign(1)).rejects.toBeInstanceOf(NotFoundError);
      expect(store.activeCampaigns()).toEqual([]);
    });

    test('runQueryByNames resolves hostnames and label names, dropping unknown names', async () => {
      const h = await fleet();
      const label = await t.ds.newLabel({ name: 'Web', description: '', query: 'select 1', platform: '', label_type: 'regular', label_membership_type: 'dynamic' });
      await setMembership(t, h.old.host.id, label.id, true);
      const { campaign, metrics } = await svc.runQueryByNames(bob, 'select 2', { hosts: ['on.local', 'ghost.local'], labels: ['web', 'Ghost'] });
      expect(await t.ds.campaignTargets(campaign.id)).toEqual({ host_ids: [h.online.host.id], label_ids: [label.id] });
      expect(metrics.total).toBe(2);
      expect(store.queriesForHost(h.old.host.id)).toEqual([[campaign.id, 'select 2']]);
      expect(store.queriesForHost(h.offline.host.id)).toEqual([]);
    });
  });

  describe('streamCampaign', () => {
    function collector() {
      const messages: StreamMessage[] = [];
      const ends: string[] = [];
      return { messages, ends, send: (m: StreamMessage) => messages.push(m), onEnd: (r: string) => ends.push(r), of: (type: string) => messages.filter((m) => m.type === type) };
    }

    test('unknown campaign: NotFoundError; another user: PermissionError; the admin may', async () => {
      const { online } = await fleet();
      const { campaign } = await svc.runQuery(alice, 'select 1', { host_ids: [online.host.id], label_ids: [] });
      const c = collector();
      await expect(svc.streamCampaign(alice, 999, c.send, c.onEnd)).rejects.toBeInstanceOf(NotFoundError);
      const err = await svc.streamCampaign(bob, campaign.id, c.send, c.onEnd).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermissionError);
      expect((err as PermissionError).reason).toBe('forbidden');
      expect(pubsub.listenerCount(campaign.id)).toBe(0);
      const handle = await svc.streamCampaign(admin, campaign.id, c.send, c.onEnd);
      expect(pubsub.listenerCount(campaign.id)).toBe(1);
      await handle.close();
    });

    test('sends totals and status, results with host_hostname, finished (sticky) on the tick; close completes, stops and unsubscribes', async () => {
      const h = await fleet();
      const { campaign } = await svc.runQuery(alice, 'select 1', { host_ids: [h.online.host.id, h.old.host.id, h.offline.host.id], label_ids: [] });
      const c = collector();
      const handle = await svc.streamCampaign(alice, campaign.id, c.send, c.onEnd);
      expect((await t.ds.campaign(campaign.id)).status).toBe(CAMPAIGN_RUNNING);
      expect(c.messages).toEqual([
        { type: 'totals', data: { count: 3, online: 2, offline: 1, missing_in_action: 0 } },
        { type: 'status', data: { expected_results: 2, actual_results: 0, status: 'pending' } },
      ]);
      const host = { id: h.online.host.id, hostname: 'on.local' };
      await pubsub.publish(campaign.id, {
        distributed_query_execution_id: campaign.id,
        host,
        rows: [{ a: '1' }, null as unknown as Record<string, string>],
        error: null,
      });
      expect(c.of('result')).toEqual([
        { type: 'result', data: { distributed_query_execution_id: campaign.id, host, rows: [{ a: '1', host_hostname: 'on.local' }], error: null } },
      ]);
      await pubsub.publish(campaign.id, { distributed_query_execution_id: campaign.id, host: { hostname: 'old.local' }, rows: [], error: 'no such table' });
      await until(() => c.of('status').length === 2);
      expect(c.of('status')[1]).toEqual({ type: 'status', data: { expected_results: 2, actual_results: 2, status: 'finished' } });
      // Another host comes online: expected moves, status stays finished; totals re-sent on change.
      await t.ds.markHostsSeen([h.offline.host.id], t.clock.now());
      await until(() => c.of('status').length === 3);
      expect(c.of('totals')[1]).toEqual({ type: 'totals', data: { count: 3, online: 3, offline: 0, missing_in_action: 0 } });
      expect(c.of('status')[2]).toEqual({ type: 'status', data: { expected_results: 3, actual_results: 2, status: 'finished' } });
      // Nothing changes: nothing re-sent.
      const n = c.messages.length;
      await new Promise((r) => setTimeout(r, TICK_MS * 4));
      expect(c.messages.length).toBe(n);

      await handle.close();
      await handle.close();
      expect((await t.ds.campaign(campaign.id)).status).toBe(CAMPAIGN_COMPLETED);
      expect(store.activeCampaigns()).toEqual([]);
      expect(pubsub.listenerCount(campaign.id)).toBe(0);
      await new Promise((r) => setTimeout(r, TICK_MS * 3));
      expect(c.messages.length).toBe(n);
      expect(await pubsub.publish(campaign.id, { distributed_query_execution_id: campaign.id, host: {}, rows: [], error: null })).toBe(0);
    });

    test('a campaign whose targets are gone is finished at once and sends no totals', async () => {
      const { online } = await fleet();
      const { campaign } = await svc.runQuery(alice, 'select 1', { host_ids: [online.host.id], label_ids: [] });
      await t.ds.deleteHost(online.host.id);
      const c = collector();
      const handle = await svc.streamCampaign(alice, campaign.id, c.send, c.onEnd);
      expect(c.messages).toEqual([{ type: 'status', data: { expected_results: 0, actual_results: 0, status: 'finished' } }]);
      await handle.close();
    });

    test('a target count failure sends an error and ends the stream (no leak)', async () => {
      const { online } = await fleet();
      const { campaign } = await svc.runQuery(alice, 'select 1', { host_ids: [online.host.id], label_ids: [] });
      const c = collector();
      const handle = await svc.streamCampaign(alice, campaign.id, c.send, c.onEnd);
      const spy = jest.spyOn(t.ds, 'countHostsInTargets').mockRejectedValue(new Error('db down'));
      await until(() => c.ends.length === 1);
      spy.mockRestore();
      expect(c.of('error')).toEqual([{ type: 'error', data: 'error retrieving target counts' }]);
      await handle.close();
      expect(pubsub.listenerCount(campaign.id)).toBe(0);
      expect((await t.ds.campaign(campaign.id)).status).toBe(CAMPAIGN_COMPLETED);
    });
  });

  describe('stale campaign cleanup', () => {
    test('completes waiting (> 1 min) and running (> 24 h) campaigns and stops their queries', async () => {
      const { online } = await fleet();
      const waiting = await svc.runQuery(alice, 'select 1', { host_ids: [online.host.id], label_ids: [] });
      const running = await svc.runQuery(alice, 'select 2', { host_ids: [online.host.id], label_ids: [] });
      await t.ds.setCampaignStatus(running.campaign.id, CAMPAIGN_RUNNING);
      const now = Date.now();
      expect(await cleanupCampaigns(t.ds, store, silentLogger, new Date(now))).toEqual([]);
      expect(await cleanupCampaigns(t.ds, store, silentLogger, new Date(now + 2 * 60_000))).toEqual([waiting.campaign.id]);
      expect(store.activeCampaigns()).toEqual([running.campaign.id]);
      t.clock.set(new Date(now + 25 * 3600_000));
      const result = await t.container.get(JobRunner).runOnce();
      expect(result.campaigns).toEqual([running.campaign.id]);
      expect(store.activeCampaigns()).toEqual([]);
      expect((await t.ds.campaign(running.campaign.id)).status).toBe(CAMPAIGN_COMPLETED);
    });
  });
});
