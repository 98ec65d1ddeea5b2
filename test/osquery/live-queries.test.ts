// Live queries on the agent path: delivery on distributed/read, results on distributed/write.
import { TYPES } from '../../internal/container/identifiers';
import { CAMPAIGN_COMPLETED, type StreamMessage, type Viewer } from '../../internal/fleet';
import type { LocalLiveQueryStore } from '../../internal/livequery';
import type { LiveQueryServiceImpl } from '../../service/live-query.service';
import { enrollHost, type EnrolledHost } from '../http/host-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

describe('live queries on the agent path', () => {
  let t: TestApp;
  let svc: LiveQueryServiceImpl;
  let store: LocalLiveQueryStore;
  let alice: Viewer;
  let a: EnrolledHost;
  let b: EnrolledHost;

  beforeEach(async () => {
    t = await startTestApp({ agent: { seenFlushIntervalMs: 0 }, liveQueryService: { streamTickMs: 20 } });
    await t.setup();
    alice = await t.services.sessions.authenticate((await t.createUser({ username: 'alice' })).token);
    svc = t.container.get(TYPES.LiveQueryService);
    store = t.container.get(TYPES.LiveQueryStore);
    a = await enrollHost(t, { hostname: 'a.local' });
    b = await enrollHost(t, { hostname: 'b.local' });
  });
  afterEach(async () => {
    await t.close();
  });

  const read = (h: EnrolledHost) => t.agent().post('/api/v1/osquery/distributed/read').send({ node_key: h.nodeKey });
  const write = (h: EnrolledHost, body: Record<string, unknown>) =>
    t.agent().post('/api/v1/osquery/distributed/write').send({ node_key: h.nodeKey, ...body });

  test('a targeted host gets the query on read, an untargeted one does not', async () => {
    const { campaign } = await svc.runQuery(alice, 'select * from processes', { host_ids: [a.host.id], label_ids: [] });
    const ra = await read(a);
    expect(ra.status).toBe(200);
    expect(ra.body.queries[`fleet_distributed_query_${campaign.id}`]).toBe('select * from processes');
    const rb = await read(b);
    expect(Object.keys(rb.body.queries).filter((k) => k.includes('distributed'))).toEqual([]);
  });

  test('write publishes with host_hostname and the error text; the answered host no longer receives it', async () => {
    const { campaign } = await svc.runQuery(alice, 'select 1', { host_ids: [a.host.id, b.host.id], label_ids: [] });
    const messages: StreamMessage[] = [];
    const handle = await svc.streamCampaign(alice, campaign.id, (m) => messages.push(m), () => undefined);
    const name = `fleet_distributed_query_${campaign.id}`;
    const ok = await write(a, { queries: { [name]: [{ x: '1' }] }, statuses: { [name]: 0 } });
    expect(ok.status).toBe(200);
    const failed = await write(b, { queries: { [`kolide_distributed_query_${campaign.id}`]: [] }, statuses: { [`kolide_distributed_query_${campaign.id}`]: 1 }, messages: { [`kolide_distributed_query_${campaign.id}`]: 'no such table: nope' } });
    expect(failed.status).toBe(200);
    const results = messages.filter((m) => m.type === 'result').map((m) => m.data as Record<string, unknown>);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ distributed_query_execution_id: campaign.id, rows: [{ x: '1', host_hostname: 'a.local' }], error: null });
    expect(results[0]!.host).toMatchObject({ id: a.host.id, hostname: 'a.local', status: 'online', display_text: 'a.local' });
    expect(results[0]!.host).not.toHaveProperty('node_key');
    expect(results[1]).toMatchObject({ rows: [], error: 'no such table: nope' });
    expect(store.queriesForHost(a.host.id)).toEqual([]);
    const again = await read(a);
    expect(again.body.queries[name]).toBeUndefined();
    expect(await t.ds.campaignExecutions(campaign.id)).toEqual([
      { host_id: a.host.id, campaign_id: campaign.id, status: 0, error: null, rows: 1 },
      { host_id: b.host.id, campaign_id: campaign.id, status: 1, error: 'no such table: nope', rows: 0 },
    ]);
    await handle.close();
  });

  test('a failed status without a message reports "failed"', async () => {
    const { campaign } = await svc.runQuery(alice, 'select 1', { host_ids: [a.host.id], label_ids: [] });
    const messages: StreamMessage[] = [];
    const handle = await svc.streamCampaign(alice, campaign.id, (m) => messages.push(m), () => undefined);
    const name = `fleet_distributed_query_${campaign.id}`;
    expect((await write(a, { queries: { [name]: [] }, statuses: { [name]: 1 } })).status).toBe(200);
    expect(messages.find((m) => m.type === 'result')!.data).toMatchObject({ error: 'failed' });
    await handle.close();
  });

  test('orphan within 5 s: the whole write fails (nothing saved) and osquery retries; later the campaign completes and stops', async () => {
    const { campaign } = await svc.runQuery(alice, 'select 1', { host_ids: [a.host.id], label_ids: [] });
    const name = `fleet_distributed_query_${campaign.id}`;
    const body = {
      queries: { [name]: [{ x: '1' }], fleet_detail_query_osquery_info: [{ version: '9.9.9', build_platform: 'x', build_distro: 'y', instance_id: 'i', pid: '1', uuid: 'u', config_hash: '', config_valid: '1', extensions: 'active', start_time: '1', watcher: '1', platform_mask: '9' }] },
      statuses: { [name]: 0, fleet_detail_query_osquery_info: 0 },
    };
    const young = await write(a, body);
    expect(young.status).toBeGreaterThanOrEqual(400);
    expect(young.body).toEqual({ error: 'campaign waiting for listener (please retry)' });
    expect((await t.ds.host(a.host.id)).osquery_version).toBe('4.6.0');
    expect(store.queriesForHost(a.host.id)).toHaveLength(1);

    t.clock.advance(6000);
    const late = await write(a, body);
    expect(late.status).toBe(200);
    expect((await t.ds.host(a.host.id)).osquery_version).toBe('9.9.9');
    expect((await t.ds.campaign(campaign.id)).status).toBe(CAMPAIGN_COMPLETED);
    expect(store.activeCampaigns()).toEqual([]);
  });

  test('an answer for an unknown campaign is dropped, not an error', async () => {
    const res = await write(a, { queries: { fleet_distributed_query_424242: [] }, statuses: { fleet_distributed_query_424242: 0 } });
    expect(res.status).toBe(200);
  });

  test('distributed/read with 10 active campaigns not targeting the host makes no datastore call', async () => {
    for (let i = 0; i < 10; i++) await svc.runQuery(alice, `select ${i}`, { host_ids: [b.host.id], label_ids: [] });
    await read(a); // warm caches
    const spies = ['host', 'campaign', 'hostByNodeKeyHash', 'listLabels', 'appConfig'].map((m) => jest.spyOn(t.ds, m as 'host'));
    const res = await read(a);
    expect(Object.keys(res.body.queries).filter((k) => k.includes('distributed'))).toEqual([]);
    for (const s of spies) expect(s).not.toHaveBeenCalled();
  });
});
