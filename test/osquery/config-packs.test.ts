// Packs in /api/v1/osquery/config (spec §6 steps 2–4, policy §4: disabled packs are delivered
// to nobody). Packs are written through the datastore ports, followed by the
// `agent-config-changed` event the pack/query services publish after every write.
import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import {
  DEFAULT_LIST_OPTIONS,
  defaultOptionsSpec,
  type Datastore,
  type NewLabel,
  type Pack,
  type PackTargets,
  type Query,
  type ScheduledQueryOptions,
} from '../../internal/fleet';
import { countingDatastore, startAgentApp, type AgentTestApp } from './support';

const ALL_HOSTS = 6;

function sqOptions(fields: Partial<ScheduledQueryOptions> = {}): ScheduledQueryOptions {
  return { interval: 3600, snapshot: null, removed: null, platform: null, version: null, shard: null, denylist: null, description: '', ...fields };
}

function dynamicLabel(name: string): NewLabel {
  return { name, description: '', query: `select 1 /* ${name} */`, platform: '', label_type: 'regular', label_membership_type: 'dynamic' };
}

describe('packs in /api/v1/osquery/config', () => {
  let t: AgentTestApp;
  afterEach(async () => t?.close());

  const changed = () => t.bus.publish({ kind: 'agent-config-changed' });
  const config = async (nodeKey: string) => {
    const res = await t.post('config', { node_key: nodeKey });
    expect(res.status).toBe(200);
    return res.body as Record<string, any>;
  };
  let queryN = 0;
  /** A saved query (named `name`, else "query N"); an existing one of that name is reused. */
  const newQuery = async (sql: string, name?: string): Promise<Query> =>
    (name !== undefined ? await t.ds.queryByName(name) : null) ??
    t.ds.newQuery({ name: name ?? `query ${++queryN}`, description: '', query: sql, saved: true, author_id: null });
  /** A pack with one scheduled query per entry of `queries` (name → SQL). */
  const newPack = async (
    name: string,
    targets: Partial<PackTargets>,
    queries: Record<string, string> = { uptime: 'select * from uptime' },
    fields: Partial<Pick<Pack, 'platform' | 'disabled'>> = {},
  ): Promise<Pack> => {
    const pack = await t.ds.newPack(
      { name, description: '', platform: fields.platform ?? '', disabled: fields.disabled ?? false },
      { host_ids: targets.host_ids ?? [], label_ids: targets.label_ids ?? [] },
    );
    for (const [sqName, sql] of Object.entries(queries)) {
      // A scheduled query is named after its query.
      const q = await newQuery(sql, sqName);
      await t.ds.newScheduledQuery(pack.id, q.id, sqOptions());
    }
    changed();
    return pack;
  };
  /** Answers one label query for a host: member iff `member`. */
  const answerLabel = async (nodeKey: string, labelId: number, member: boolean) => {
    const name = `fleet_label_query_${labelId}`;
    const res = await t.post('distributed/write', { node_key: nodeKey, queries: { [name]: member ? [{ '1': '1' }] : [] }, statuses: { [name]: 0 } });
    expect(res.status).toBe(200);
  };

  it('delivers a pack to an explicitly targeted host only', async () => {
    t = await startAgentApp();
    const a = await t.enroll('ubuntu');
    const b = await t.enroll('centos');
    await newPack('direct', { host_ids: [a.hostId] }, { uptime: 'select * from uptime' });
    expect(await config(a.nodeKey)).toEqual({
      ...defaultOptionsSpec().config,
      packs: { direct: { queries: { uptime: { query: 'select * from uptime', interval: 3600 } } } },
    });
    expect(await config(b.nodeKey)).not.toHaveProperty('packs');
  });

  it('delivers a pack through a label the host is a member of', async () => {
    t = await startAgentApp();
    const mac = await t.enroll('darwin');
    const label = await t.ds.newLabel(dynamicLabel('has users'));
    await newPack('via all hosts', { label_ids: [ALL_HOSTS] });
    await newPack('via label', { label_ids: [label.id] });
    expect(Object.keys((await config(mac.nodeKey)).packs)).toEqual(['via all hosts']); // enrollment made it a member of All Hosts
    await answerLabel(mac.nodeKey, label.id, true);
    expect(Object.keys((await config(mac.nodeKey)).packs)).toEqual(['via all hosts', 'via label']);
  });

  it('a platform override replaces the default and still gets the packs; a stored packs key is overwritten', async () => {
    t = await startAgentApp();
    const darwin = { options: { distributed_interval: 30 }, packs: { stored: { queries: {} } } };
    await t.services.appConfig.applyOsqueryOptions({ config: defaultOptionsSpec().config, overrides: { platforms: { darwin } } });
    const mac = await t.enroll('darwin');
    expect(await config(mac.nodeKey)).toEqual(darwin); // no pack applies: the stored key is left untouched
    await newPack('macs', { host_ids: [mac.hostId] }, { procs: 'select * from processes' }, { platform: 'darwin' });
    expect(await config(mac.nodeKey)).toEqual({
      options: { distributed_interval: 30 },
      packs: { macs: { platform: 'darwin', queries: { procs: { query: 'select * from processes', interval: 3600 } } } },
    });
  });

  it('never delivers a disabled pack, by host or by label target', async () => {
    t = await startAgentApp();
    const h = await t.enroll('ubuntu');
    const byHost = await newPack('by host', { host_ids: [h.hostId] }, undefined, { disabled: true });
    await newPack('by label', { label_ids: [ALL_HOSTS] }, undefined, { disabled: true });
    expect(await config(h.nodeKey)).not.toHaveProperty('packs');
    await t.ds.savePack({ ...byHost, disabled: false });
    changed();
    expect(Object.keys((await config(h.nodeKey)).packs)).toEqual(['by host']);
  });

  it('stops delivering a pack when its target is removed', async () => {
    t = await startAgentApp();
    const h = await t.enroll('ubuntu');
    const direct = await newPack('direct', { host_ids: [h.hostId] });
    const viaLabel = await newPack('via label', { label_ids: [ALL_HOSTS] });
    expect(Object.keys((await config(h.nodeKey)).packs)).toEqual(['direct', 'via label']);
    await t.ds.savePack(direct, { host_ids: [], label_ids: [] });
    changed();
    expect(Object.keys((await config(h.nodeKey)).packs)).toEqual(['via label']);
    await t.ds.savePack(viaLabel, { host_ids: [], label_ids: [] });
    changed();
    expect(await config(h.nodeKey)).not.toHaveProperty('packs');
  });

  it('edits of packs, scheduled queries and queries reach the next fetch', async () => {
    t = await startAgentApp();
    const h = await t.enroll('ubuntu');
    const pack = await newPack('p', { host_ids: [h.hostId] }, { a: 'select 1' });
    expect((await config(h.nodeKey)).packs).toEqual({ p: { queries: { a: { query: 'select 1', interval: 3600 } } } });

    await t.ds.savePack({ ...pack, name: 'renamed', platform: 'linux' });
    changed();
    expect((await config(h.nodeKey)).packs).toEqual({ renamed: { platform: 'linux', queries: { a: { query: 'select 1', interval: 3600 } } } });

    const [sq] = await t.ds.listScheduledQueriesInPack(pack.id, DEFAULT_LIST_OPTIONS);
    await t.ds.saveScheduledQuery({ ...sq!, interval: 60, snapshot: true, shard: 50 });
    changed();
    expect((await config(h.nodeKey)).packs.renamed.queries.a).toEqual({ query: 'select 1', interval: 60, snapshot: true, shard: 50 });

    const q = await t.ds.query(sq!.query_id);
    await t.ds.saveQuery({ ...q, query: 'select 2' });
    changed();
    expect((await config(h.nodeKey)).packs.renamed.queries.a.query).toBe('select 2');

    const extra = await newQuery('select 3');
    await t.ds.newScheduledQuery(pack.id, extra.id, sqOptions({ interval: 10 }));
    changed();
    expect(Object.keys((await config(h.nodeKey)).packs.renamed.queries)).toEqual(['a', extra.name]);

    await t.ds.deleteScheduledQuery(sq!.id);
    changed();
    expect(Object.keys((await config(h.nodeKey)).packs.renamed.queries)).toEqual([extra.name]);

    await t.ds.deletePack(pack.id);
    changed();
    expect(await config(h.nodeKey)).not.toHaveProperty('packs');
  });

  it('emits scheduled query options exactly per §6: set fields only, snapshot only when true', async () => {
    t = await startAgentApp();
    const h = await t.enroll('ubuntu');
    const pack = await newPack('opts', { host_ids: [h.hostId] }, {});
    const schedule = async (name: string, fields: Partial<ScheduledQueryOptions>) => {
      const q = await newQuery(`select '${name}'`, name);
      await t.ds.newScheduledQuery(pack.id, q.id, sqOptions(fields));
    };
    await schedule('bare', {});
    await schedule('falsy', { snapshot: false, removed: false, platform: '', version: '', shard: 0, denylist: false });
    await schedule('full', { interval: 120, snapshot: true, removed: true, platform: 'darwin,linux', version: '4.0.0', shard: 10, denylist: true });
    changed();
    const body = await t.post('config', { node_key: h.nodeKey });
    const queries = body.body.packs.opts.queries;
    expect(queries).toEqual({
      bare: { query: "select 'bare'", interval: 3600 },
      falsy: { query: "select 'falsy'", interval: 3600, platform: '', version: '', removed: false, shard: 0, denylist: false },
      full: { query: "select 'full'", interval: 120, platform: 'darwin,linux', version: '4.0.0', snapshot: true, removed: true, shard: 10, denylist: true },
    });
    expect(body.body.packs.opts).not.toHaveProperty('platform');
    // Wire order of the keys, as in Fleet's struct.
    expect(body.text).toContain(
      '"full":{"query":"select \'full\'","interval":120,"platform":"darwin,linux","version":"4.0.0","snapshot":true,"removed":true,"shard":10,"denylist":true}',
    );
  });

  it('makes no datastore call on a repeated config fetch', async () => {
    const counting = countingDatastore(new InmemDatastore() as unknown as Datastore);
    t = await startAgentApp({ datastore: counting.ds });
    const a = await t.enroll('ubuntu');
    const b = await t.enroll('darwin');
    const label = await t.ds.newLabel(dynamicLabel('tagged'));
    await newPack('direct', { host_ids: [a.hostId] });
    await newPack('all', { label_ids: [ALL_HOSTS] });
    await newPack('tagged', { label_ids: [label.id] });
    await config(a.nodeKey);
    await config(b.nodeKey);
    counting.reset();
    const first = await t.post('config', { node_key: a.nodeKey });
    for (let i = 0; i < 5; i++) {
      expect((await t.post('config', { node_key: a.nodeKey })).text).toBe(first.text);
      await config(b.nodeKey);
    }
    expect(counting.calls).toEqual([]);
    expect(Object.keys(first.body.packs)).toEqual(['direct', 'all']);

    // A label result is applied to the cached membership: still no read.
    await answerLabel(b.nodeKey, label.id, true);
    counting.reset();
    expect(Object.keys((await config(b.nodeKey)).packs)).toEqual(['all', 'tagged']);
    expect(counting.calls).toEqual([]);

    // A change costs one read of the options and one of every pack, then memory again.
    changed();
    await config(a.nodeKey);
    await config(b.nodeKey);
    await config(a.nodeKey);
    expect(counting.calls).toEqual(['osqueryOptions', 'allPacksForAgents']);
  });

  it('follows membership: a label result flipping changes the packs delivered', async () => {
    t = await startAgentApp();
    const h = await t.enroll('ubuntu');
    const label = await t.ds.newLabel(dynamicLabel('flips'));
    await newPack('flips pack', { label_ids: [label.id] });
    expect(await config(h.nodeKey)).not.toHaveProperty('packs');
    await answerLabel(h.nodeKey, label.id, true);
    expect(Object.keys((await config(h.nodeKey)).packs)).toEqual(['flips pack']);
    await answerLabel(h.nodeKey, label.id, false);
    expect(await config(h.nodeKey)).not.toHaveProperty('packs');
  });

  it('a deleted label stops delivering its packs (labels-changed)', async () => {
    t = await startAgentApp();
    const h = await t.enroll('ubuntu');
    const label = await t.ds.newLabel(dynamicLabel('doomed'));
    await newPack('doomed pack', { label_ids: [label.id] });
    await answerLabel(h.nodeKey, label.id, true);
    expect(Object.keys((await config(h.nodeKey)).packs)).toEqual(['doomed pack']);
    await t.services.labels.deleteLabel(label.name);
    expect(await config(h.nodeKey)).not.toHaveProperty('packs');
  });

  it('end to end through the REST API: pack, schedule, spec apply and query edits reach the next fetch', async () => {
    t = await startAgentApp();
    const { token } = await t.setup();
    const h = await t.enroll('ubuntu');
    const api = (method: 'post' | 'patch' | 'delete', path: string, body?: unknown) =>
      t.http()[method](`/api/v1/fleet/${path}`).set('Authorization', `Bearer ${token}`).send(body as object);
    const q = await api('post', 'queries', { name: 'uptime', query: 'select * from uptime' });
    expect(q.status).toBe(200);
    const p = await api('post', 'packs', { name: 'rest', host_ids: [h.hostId] });
    expect(p.status).toBe(200);
    expect(await config(h.nodeKey)).toMatchObject({ packs: { rest: { queries: {} } } });
    const sq = await api('post', 'schedule', { pack_id: p.body.pack.id, query_id: q.body.query.id, interval: 30, snapshot: false, removed: false });
    expect(sq.status).toBe(200);
    expect((await config(h.nodeKey)).packs).toEqual({ rest: { queries: { uptime: { query: 'select * from uptime', interval: 30, removed: false } } } });
    expect((await api('patch', `queries/${q.body.query.id}`, { query: 'select 42' })).status).toBe(200);
    expect((await config(h.nodeKey)).packs.rest.queries.uptime.query).toBe('select 42');
    expect((await api('patch', `packs/${p.body.pack.id}`, { disabled: true })).status).toBe(200);
    expect(await config(h.nodeKey)).not.toHaveProperty('packs');
    const spec = await api('post', 'spec/packs', {
      specs: [{ name: 'from spec', targets: { labels: ['All Hosts'] }, queries: [{ query: 'uptime', name: 'up', interval: 60, snapshot: true }] }],
    });
    expect(spec.status).toBe(200);
    expect((await config(h.nodeKey)).packs).toEqual({ 'from spec': { queries: { up: { query: 'select 42', interval: 60, snapshot: true } } } });
  });

  it('hosts with the same platform and packs share one config object', async () => {
    t = await startAgentApp();
    const a = await t.enroll('ubuntu');
    const b = await t.enroll('centos');
    await newPack('all', { label_ids: [ALL_HOSTS] });
    const ha = await t.osquery.authenticateHost(a.nodeKey);
    const hb = await t.osquery.authenticateHost(b.nodeKey);
    const ca = await t.osquery.getClientConfig(ha);
    expect(await t.osquery.getClientConfig(hb)).toBe(ca);
    expect(await t.osquery.getClientConfig(ha)).toBe(ca);
  });
});
