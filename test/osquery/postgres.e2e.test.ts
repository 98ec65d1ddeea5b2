// The agent path end to end on Postgres: the same flows as the in-memory tests, plus a short
// fuzz run, so column types and limits (int4 label ids, NUL bytes, long texts) are covered.
import { PostgresDatastore } from '../../datastore/postgres';
import { hashToken } from '../../internal/crypto/tokens';
import { createTestDatabase, describeIfPostgres, type TestDatabase } from '../support/services';
import { runAgentFuzz } from './fuzz-runner';
import { fixtureWithKey, PLATFORMS, startAgentApp, type AgentTestApp } from './support';

describeIfPostgres('agent API on postgres', () => {
  let db: TestDatabase;
  let t: AgentTestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startAgentApp({ datastore: new PostgresDatastore({ url: db.url, poolSize: 4 }) });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it.each(PLATFORMS)('%s: enroll, read, write details and labels, then nothing is due', async (platform) => {
    const { nodeKey, hostId } = await t.enroll(platform);
    const read = await t.post('distributed/read', { node_key: nodeKey });
    expect(read.status).toBe(200);
    expect((await t.post('distributed/write', fixtureWithKey(`distributed-write-details-${platform}.json`, nodeKey))).status).toBe(200);
    const labels = Object.keys(read.body.queries).filter((n) => n.startsWith('fleet_label_query_'));
    const w = await t.post('distributed/write', {
      node_key: nodeKey,
      queries: Object.fromEntries(labels.map((n, i) => [n, i % 2 ? [] : [{ '1': '1' }]])),
      statuses: {},
    });
    expect(w.status).toBe(200);
    expect((await t.post('distributed/read', { node_key: nodeKey })).body).toEqual({ queries: {} });
    const host = await t.ds.host(hostId);
    expect(host.platform).toBe(platform === 'centos' ? 'rhel' : platform);
    expect(host.distributed_interval).toBe(10);
    expect((await t.ds.labelsForHost(hostId)).length).toBeGreaterThan(0);
    await (t.osquery as any).flushSeen();
  });

  it('packs by host and by label target, following a label result, on Postgres', async () => {
    const { nodeKey, hostId } = await t.enroll('darwin');
    const label = await t.ds.newLabel({
      name: 'pg packs label', description: '', query: 'select 1', platform: '', label_type: 'regular', label_membership_type: 'dynamic',
    });
    const q = await t.ds.newQuery({ name: 'pg packs query', description: '', query: 'select * from uptime', saved: true, author_id: null });
    const direct = await t.ds.newPack({ name: 'pg direct', description: '', platform: 'darwin', disabled: false }, { host_ids: [hostId], label_ids: [] });
    const viaLabel = await t.ds.newPack({ name: 'pg via label', description: '', platform: '', disabled: false }, { host_ids: [], label_ids: [label.id] });
    for (const p of [direct, viaLabel]) {
      await t.ds.newScheduledQuery(p.id, q.id, { interval: 60, snapshot: true, removed: null, platform: null, version: '', shard: 5, denylist: null, description: '' });
    }
    t.bus.publish({ kind: 'agent-config-changed' });
    const sq = { query: 'select * from uptime', interval: 60, version: '', snapshot: true, shard: 5 };
    expect((await t.post('config', { node_key: nodeKey })).body.packs).toEqual({ 'pg direct': { platform: 'darwin', queries: { 'pg packs query': sq } } });
    const name = `fleet_label_query_${label.id}`;
    expect((await t.post('distributed/write', { node_key: nodeKey, queries: { [name]: [{ '1': '1' }] }, statuses: {} })).status).toBe(200);
    expect(Object.keys((await t.post('config', { node_key: nodeKey })).body.packs)).toEqual(['pg direct', 'pg via label']);
    await t.ds.deletePack(direct.id);
    await t.ds.deletePack(viaLabel.id);
    t.bus.publish({ kind: 'agent-config-changed' });
    expect((await t.post('config', { node_key: nodeKey })).body).not.toHaveProperty('packs');
  });

  it('odd but valid values reach Postgres without a 500', async () => {
    const { nodeKey, hostId } = await t.enroll('ubuntu');
    const res = await t.post('distributed/write', {
      node_key: nodeKey,
      queries: {
        fleet_detail_query_system_info: [{ hostname: `a\u0000b${'x'.repeat(5000)}`, physical_memory: '9007199254740991' }],
        fleet_additional_query_x: [{ 'k\u0000': 'v\u0000w' }],
        fleet_label_query_2147483647: [],
        fleet_label_query_2147483646: [{ '1': '1' }],
      },
    });
    expect(res.status).toBe(200);
    const host = await t.ds.host(hostId);
    expect(host.hostname).toBe('a');
    expect(host.memory).toBe(9007199254740991);
    expect(host.additional).toEqual({ x: [{ k: 'v' }] });
    const bad = await t.post('distributed/write', { node_key: nodeKey, queries: { fleet_label_query_2147483648: [] } });
    expect(bad.status).toBe(400);
  });

  it('re-enroll revokes the old key; host deletion via the store + event too', async () => {
    const a = await t.enroll('windows');
    const b = await t.enroll('windows');
    expect(b.hostId).toBe(a.hostId);
    expect((await t.post('config', { node_key: a.nodeKey })).status).toBe(401);
    expect((await t.post('config', { node_key: b.nodeKey })).status).toBe(200);
    const gone = await t.ds.deleteHost(b.hostId);
    expect(gone.node_key_hash).toBe(hashToken(b.nodeKey));
    t.bus.publish({ kind: 'node-key-revoked', nodeKeyHash: gone.node_key_hash });
    expect((await t.post('config', { node_key: b.nodeKey })).body.node_invalid).toBe(true);
  });

  it('fuzzed bodies never produce a 5xx on Postgres either', async () => {
    const { nodeKey } = await t.enroll('darwin');
    await runAgentFuzz(t, nodeKey, Number(process.env.FUZZ_SEED ?? 7), Number(process.env.FUZZ_PG_ITERATIONS ?? 800));
  }, 120_000);

  it('log lines reach the writer', async () => {
    const { nodeKey } = await t.enroll('darwin');
    expect((await t.post('log', fixtureWithKey('log-result-batch.json', nodeKey))).status).toBe(200);
    expect(t.logs.lines.result.slice(-3)).toHaveLength(3);
  });
});
