import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import type { NewLabel } from '../../internal/fleet';
import { DETAIL_QUERIES } from '../../service/osquery';
import { countingDatastore, fixture, fixtureWithKey, PLATFORMS, startAgentApp, type AgentTestApp, type Platform } from './support';

const DETAIL_NAMES = Object.keys(DETAIL_QUERIES).map((n) => `fleet_detail_query_${n}`).sort();
const HOUR = 3600 * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function label(name: string, query: string, platform = '', manual = false): NewLabel {
  return {
    name,
    description: '',
    query,
    platform,
    label_type: 'regular',
    label_membership_type: manual ? 'manual' : 'dynamic',
  };
}

/** An answer to every label query in a read (no rows = not a member). */
function labelAnswers(queries: Record<string, string>, nodeKey: string) {
  const names = Object.keys(queries).filter((n) => n.startsWith('fleet_label_query_'));
  return {
    queries: Object.fromEntries(names.map((n) => [n, []])),
    statuses: Object.fromEntries(names.map((n) => [n, 0])),
    node_key: nodeKey,
  };
}

describe('distributed/read and distributed/write', () => {
  let t: AgentTestApp;
  afterEach(async () => t?.close());

  it('first read: all six details and the labels for the host platform', async () => {
    t = await startAgentApp();
    await t.ds.newLabel(label('manual darwin', 'select 1', 'darwin', true));
    const { nodeKey } = await t.enroll('darwin');
    const res = await t.post('distributed/read', fixtureWithKey('distributed-read.json', nodeKey));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(res.body)).toEqual(['queries']); // accelerate omitted: hostname/platform known
    const names = Object.keys(res.body.queries).sort();
    expect(names.filter((n) => n.startsWith('fleet_detail_query_'))).toEqual(DETAIL_NAMES);
    // All Hosts (6), macOS (7), CentOS (9, platform ""); not Ubuntu (8), Windows (10) or the manual label.
    expect(names.filter((n) => n.startsWith('fleet_label_query_')).sort()).toEqual([
      'fleet_label_query_6',
      'fleet_label_query_7',
      'fleet_label_query_9',
    ]);
    expect(res.body.queries.fleet_label_query_7).toBe("select 1 from os_version where platform = 'darwin';");
    expect(res.body.queries.fleet_detail_query_os_version).toBe('select * from os_version limit 1');
  });

  const table: Record<Platform, Record<string, unknown>> = {
    ubuntu: {
      os_version: 'Ubuntu 20.4.0',
      platform: 'ubuntu',
      primary_ip: '192.168.40.17',
      primary_mac: 'b0:7b:25:3e:91:c4',
      uptime: 1210391,
      config_tls_refresh: 10,
      code_name: 'focal',
      hostname: 'ci-runner-07.build.example.com',
      cpu_brand: 'Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz',
    },
    centos: {
      os_version: 'CentOS Linux 7.9.2009',
      platform: 'rhel',
      primary_ip: '10.40.2.15',
      primary_mac: '52:54:00:7a:3c:e1',
      uptime: 1237419,
      config_tls_refresh: 60,
      platform_like: 'rhel',
    },
    darwin: {
      os_version: 'Mac OS X 10.15.7',
      build: '19H524',
      platform: 'darwin',
      primary_ip: '192.168.1.23',
      primary_mac: '3c:22:fb:8e:51:0d',
      uptime: 352817,
      config_tls_refresh: 10,
    },
    windows: {
      os_version: 'Microsoft Windows 11 Pro 10.0',
      build: '22631',
      platform: 'windows',
      primary_ip: '10.20.31.44',
      primary_mac: '8c:c6:81:2f:d0:5b',
      uptime: 93604,
      config_tls_refresh: 0,
      code_name: 'Microsoft Windows 11 Pro',
    },
  };

  it.each(PLATFORMS)('%s details write sets the host facts of the fixture README', async (platform) => {
    t = await startAgentApp();
    const { nodeKey, hostId } = await t.enroll(platform);
    const before = t.clock.now();
    const res = await t.post('distributed/write', fixtureWithKey(`distributed-write-details-${platform}.json`, nodeKey));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const host = await t.ds.host(hostId);
    expect(host).toMatchObject({ ...table[platform], distributed_interval: 10, logger_tls_period: 10, additional: {} });
    expect(host.detail_updated_at.getTime()).toBe(before.getTime());
    expect(host.osquery_version).toBe((fixture(`enroll-${platform}.json`) as any).host_details.osquery_info.version);
  });

  it('nothing is due after answering; details again after the interval, re-sent until answered', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    const first = await t.post('distributed/read', { node_key: nodeKey });
    // Not answered yet: re-sent on every check-in.
    expect(Object.keys((await t.post('distributed/read', { node_key: nodeKey })).body.queries).sort()).toEqual(
      Object.keys(first.body.queries).sort(),
    );
    await t.post('distributed/write', fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
    expect((await t.post('distributed/write', labelAnswers(first.body.queries, nodeKey))).status).toBe(200);
    expect((await t.post('distributed/read', { node_key: nodeKey })).body).toEqual({ queries: {} });

    t.clock.advance(HOUR - 1000);
    expect((await t.post('distributed/read', { node_key: nodeKey })).body).toEqual({ queries: {} });
    t.clock.advance(1000); // detail_updated_at <= now - 1h: due (inclusive)
    const due = await t.post('distributed/read', { node_key: nodeKey });
    expect(Object.keys(due.body.queries).filter((n) => n.includes('detail')).sort()).toEqual(DETAIL_NAMES);
    // labels: due only when strictly older than the interval
    expect(Object.keys(due.body.queries).some((n) => n.includes('label'))).toBe(false);
    t.clock.advance(1);
    const both = await t.post('distributed/read', { node_key: nodeKey });
    expect(Object.keys(both.body.queries).some((n) => n.includes('label'))).toBe(true);
  });

  it('a new or edited label for the host platform is due at once; one for another platform is not', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    const first = await t.post('distributed/read', { node_key: nodeKey });
    await t.post('distributed/write', fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
    await t.post('distributed/write', labelAnswers(first.body.queries, nodeKey));
    expect((await t.post('distributed/read', { node_key: nodeKey })).body).toEqual({ queries: {} });

    await sleep(5);
    await t.ds.newLabel(label('windows only', 'select 2', 'windows'));
    t.bus.publish({ kind: 'labels-changed' });
    expect((await t.post('distributed/read', { node_key: nodeKey })).body).toEqual({ queries: {} });

    const created = await t.ds.newLabel(label('ubuntu ssh', "select 1 from deb_packages where name = 'openssh-server'", 'ubuntu'));
    t.bus.publish({ kind: 'labels-changed' });
    const res = await t.post('distributed/read', { node_key: nodeKey });
    expect(res.body.queries[`fleet_label_query_${created.id}`]).toBe(created.query);
    expect(res.body.queries).toHaveProperty('fleet_label_query_6'); // the whole set is re-evaluated
    // Labels carry the store's (real) time; the answer must come after it, as it would.
    await sleep(2);
    t.clock.set(new Date());
    await t.post('distributed/write', labelAnswers(res.body.queries, nodeKey));
    expect((await t.post('distributed/read', { node_key: nodeKey })).body).toEqual({ queries: {} });

    await sleep(5);
    await t.ds.saveLabel({ ...created, query: 'select 3' });
    t.bus.publish({ kind: 'labels-changed' });
    const edited = await t.post('distributed/read', { node_key: nodeKey });
    expect(edited.body.queries[`fleet_label_query_${created.id}`]).toBe('select 3');
  });

  it('accelerate: 10 only while hostname and platform are both empty', async () => {
    t = await startAgentApp();
    const res = await t.post('enroll', { enroll_secret: '5upVppavMWlR6MMnUM6hXSLQvXmqAL04', host_identifier: 'fresh' });
    const nodeKey = res.body.node_key as string;
    const read = await t.post('distributed/read', { node_key: nodeKey });
    expect(read.body.accelerate).toBe(10);
    await t.post('distributed/write', fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
    expect((await t.post('distributed/read', { node_key: nodeKey })).body).not.toHaveProperty('accelerate');
  });

  it('labels fixture: 6, 7, 12 member; 9 and 13 (failed) not', async () => {
    t = await startAgentApp();
    await t.ds.newLabel(label('filler', 'select 0', 'linux'));
    const iterm = await t.ds.newLabel(label('iTerm2', "SELECT 1 FROM apps WHERE bundle_identifier = 'com.googlecode.iterm2';", 'darwin'));
    const deb = await t.ds.newLabel(label('ssh server', "SELECT 1 FROM deb_packages WHERE name = 'openssh-server';"));
    expect([iterm.id, deb.id]).toEqual([12, 13]);
    const { nodeKey, hostId } = await t.enroll('darwin');
    // A stale membership that the write must remove.
    await t.ds.updateHost(hostId, { labels: { results: [[9, true]], at: t.clock.now() } });
    const res = await t.post('distributed/write', fixtureWithKey('distributed-write-labels.json', nodeKey));
    expect(res.status).toBe(200);
    const ids = (await t.ds.labelsForHost(hostId)).map((l) => l.id).sort((a, b) => a - b);
    expect(ids).toEqual([6, 7, 12]);
    expect((await t.ds.host(hostId)).label_updated_at).toEqual(t.clock.now());
  });

  describe('all or nothing', () => {
    const cases: Array<[string, (w: any) => void, RegExp]> = [
      ['an unknown detail name', (w) => (w.queries.fleet_detail_query_bogus = [{ a: '1' }]), /unknown detail query: bogus/],
      [
        'a bad integer',
        (w) => (w.queries.fleet_detail_query_uptime = [{ total_seconds: 'lots' }]),
        /ingesting detail query uptime: parsing uptime.total_seconds: invalid integer/,
      ],
      ['an unknown prefix', (w) => (w.queries.something_else = []), /unknown query prefix: something_else/],
      ['a non-numeric label id', (w) => (w.queries.fleet_label_query_x = []), /invalid id/],
    ];
    it.each(cases)('%s fails the whole write and saves nothing', async (_what, mutate, message) => {
      t = await startAgentApp();
      const { nodeKey, hostId } = await t.enroll('ubuntu');
      const before = await t.ds.host(hostId);
      const body = JSON.parse(fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
      body.queries.fleet_label_query_6 = [{ '1': '1' }];
      mutate(body);
      const res = await t.post('distributed/write', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^failed to ingest result: /);
      expect(res.body.error).toMatch(message);
      expect(res.body).not.toHaveProperty('node_invalid');
      const after = await t.ds.host(hostId);
      expect(after).toEqual(before);
      // The agent's next read still gets everything.
      expect(Object.keys((await t.post('distributed/read', { node_key: nodeKey })).body.queries)).toEqual(
        expect.arrayContaining([...DETAIL_NAMES, 'fleet_label_query_6']),
      );
    });
  });

  it('accepts kolide_ prefixes, and live-query results (dropped: no campaigns yet)', async () => {
    t = await startAgentApp();
    const { nodeKey, hostId } = await t.enroll('ubuntu');
    const body = JSON.parse(fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
    body.queries = Object.fromEntries(Object.entries(body.queries).map(([k, v]) => [k.replace(/^fleet_/, 'kolide_'), v]));
    body.queries.kolide_label_query_6 = [{ '1': '1' }];
    expect((await t.post('distributed/write', body)).status).toBe(200);
    expect(await t.ds.host(hostId)).toMatchObject({ platform: 'ubuntu', primary_ip: '192.168.40.17' });
    for (const f of ['rows', 'error', 'empty', 'stats']) {
      const res = await t.post('distributed/write', fixtureWithKey(`distributed-write-live-query-${f}.json`, nodeKey));
      expect([f, res.status, res.body]).toEqual([f, 200, {}]);
    }
  });

  it('additional queries: sent with the details, stored wholesale', async () => {
    t = await startAgentApp();
    const { token } = await t.setup();
    const patch = (q: Record<string, string>) =>
      t.http().patch('/api/v1/fleet/config').set('Authorization', `Bearer ${token}`).send({ host_settings: { additional_queries: q } });
    expect((await patch({ time: 'select * from time', users: 'select * from users' })).status).toBe(200);
    const { nodeKey, hostId } = await t.enroll('ubuntu');
    const read = await t.post('distributed/read', { node_key: nodeKey });
    expect(read.body.queries.fleet_additional_query_time).toBe('select * from time');
    expect(read.body.queries.fleet_additional_query_users).toBe('select * from users');

    const body = JSON.parse(fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
    body.queries.fleet_additional_query_time = [{ unix_time: '1614600000' }];
    await t.post('distributed/write', body);
    expect((await t.ds.host(hostId)).additional).toEqual({ time: [{ unix_time: '1614600000' }] });

    // A detail answer without additional results replaces `additional` with {}.
    await t.post('distributed/write', fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
    expect((await t.ds.host(hostId)).additional).toEqual({});

    // Config change reaches the next due read without a restart.
    await patch({ only: 'select 1' });
    t.clock.advance(HOUR);
    const later = await t.post('distributed/read', { node_key: nodeKey });
    expect(Object.keys(later.body.queries).filter((n) => n.includes('additional'))).toEqual(['fleet_additional_query_only']);
  });

  it('a due-nothing read makes zero datastore calls', async () => {
    const counting = countingDatastore(new InmemDatastore());
    t = await startAgentApp({ datastore: counting.ds });
    const { nodeKey } = await t.enroll('centos');
    const first = await t.post('distributed/read', { node_key: nodeKey });
    await t.post('distributed/write', fixtureWithKey('distributed-write-details-centos.json', nodeKey));
    await t.post('distributed/write', labelAnswers(first.body.queries, nodeKey));
    await t.post('config', { node_key: nodeKey });
    await (t.osquery as any).flushSeen();
    counting.reset();
    for (let i = 0; i < 20; i++) {
      const res = await t.post('distributed/read', { node_key: nodeKey });
      expect(res.body).toEqual({ queries: {} });
    }
    await t.post('config', { node_key: nodeKey });
    expect(counting.calls).toEqual([]);
  });

  it('authenticates from memory: one lookup per key, invalidated by node-key-revoked', async () => {
    const counting = countingDatastore(new InmemDatastore());
    t = await startAgentApp({ datastore: counting.ds });
    const { nodeKey, hostId } = await t.enroll('windows');
    counting.reset();
    await t.post('distributed/read', { node_key: nodeKey });
    await t.post('distributed/read', { node_key: nodeKey });
    expect(counting.calls.filter((c) => c === 'hostByNodeKeyHash').length).toBeLessThanOrEqual(1);
    const host = await t.ds.deleteHost(hostId);
    t.bus.publish({ kind: 'node-key-revoked', nodeKeyHash: host.node_key_hash });
    const res = await t.post('distributed/read', { node_key: nodeKey });
    expect(res.status).toBe(401);
    expect(res.body.node_invalid).toBe(true);
  });

  it('batches seen times: many check-ins, one markHostsSeen per flush', async () => {
    const counting = countingDatastore(new InmemDatastore());
    t = await startAgentApp({ datastore: counting.ds });
    const a = await t.enroll('ubuntu');
    const b = await t.enroll('darwin');
    await (t.osquery as any).flushSeen();
    t.clock.advance(60_000);
    counting.reset();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => t.post('distributed/read', { node_key: i % 2 ? a.nodeKey : b.nodeKey })),
    );
    expect(counting.calls.filter((c) => c === 'markHostsSeen')).toEqual([]);
    await (t.osquery as any).flushSeen();
    expect(counting.calls.filter((c) => c === 'markHostsSeen')).toEqual(['markHostsSeen']);
    expect((await t.ds.host(a.hostId)).seen_time).toEqual(t.clock.now());
    expect((await t.ds.host(b.hostId)).seen_time).toEqual(t.clock.now());
    await (t.osquery as any).flushSeen();
    expect(counting.calls.filter((c) => c === 'markHostsSeen')).toHaveLength(1); // nothing pending: no write
  });

  it('the seen timer flushes on its own', async () => {
    const counting = countingDatastore(new InmemDatastore());
    t = await startAgentApp({ datastore: counting.ds, agent: { seenFlushIntervalMs: 20 } });
    const { nodeKey, hostId } = await t.enroll('ubuntu');
    t.clock.advance(5000);
    await t.post('distributed/read', { node_key: nodeKey });
    await sleep(80);
    expect((await t.ds.host(hostId)).seen_time).toEqual(t.clock.now());
  });
});
