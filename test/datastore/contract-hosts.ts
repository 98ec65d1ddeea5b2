// The hosts and labels part of the datastore contract; describeDatastoreContract (contract.ts)
// calls it inside its own block, so it runs against every adapter on the one shared store.
// Tests make uniquely named hosts and labels, compare only their own rows (idsAmong), and
// count summaries as deltas. Fixed instants are used instead of the clock, all after 1990:
// the expiry and incoming-host tests delete everything before 1990.
import {
  AlreadyExistsError,
  hostStatus,
  InvalidArgumentError,
  NEVER_UPDATED,
  NotFoundError,
  type Datastore,
  type EnrollInput,
  type Host,
  type HostDetails,
  type HostListOptions,
  type HostStatusSummary,
  type Label,
  type LabelSpecInput,
  type NewLabel,
} from '../../internal/fleet';
import { at, DAY, enrollUniqueHost, expectError, HOUR, idsAmong, plus, SECOND, sleep, uniq as uniqTag } from './contract-helpers';

const uniq = () => uniqTag('h');

function diff(after: HostStatusSummary, before: HostStatusSummary): HostStatusSummary {
  return {
    online_count: after.online_count - before.online_count,
    offline_count: after.offline_count - before.offline_count,
    mia_count: after.mia_count - before.mia_count,
    new_count: after.new_count - before.new_count,
  };
}

export function describeHostAndLabelContract(getStore: () => Datastore): void {
  let store: Datastore;
  beforeAll(() => {
    store = getStore();
  });

  /** Enrolls a new host (unique identifier, key and hostname unless given). */
  function enroll(over: Partial<EnrollInput> = {}, details: Partial<HostDetails> = {}): Promise<Host> {
    return enrollUniqueHost(store, { infix: 'h', hostname: (tag) => `host-${tag}.local` }, { now: at('2030-01-01T00:00:00Z'), ...over }, details);
  }

  /** A host created at `created`, last seen at `seen`, with the given intervals. */
  async function hostAt(created: Date, seen: Date, intervals: [number, number] = [10, 20]): Promise<Host> {
    const host = await enroll({ now: created }, { distributed_interval: intervals[0], config_tls_refresh: intervals[1] });
    await store.markHostsSeen([host.id], seen);
    return store.host(host.id);
  }

  const list = (o: Partial<HostListOptions> = {}): HostListOptions => ({
    page: 0,
    orderDirection: 'asc',
    now: at('2030-01-01T00:00:00Z'),
    ...o,
  });

  async function allHostsLabel(): Promise<Label> {
    return (await store.labelByName('All Hosts'))!;
  }

  function newLabelInput(over: Partial<NewLabel> = {}): NewLabel {
    const tag = uniq();
    return {
      name: `label-${tag}`,
      description: `about ${tag}`,
      query: 'select 1;',
      platform: '',
      label_type: 'regular',
      label_membership_type: 'dynamic',
      ...over,
    };
  }

  function spec(over: Partial<LabelSpecInput> = {}): LabelSpecInput {
    return { ...newLabelInput(), ...over };
  }

  describe('hosts: enrollment', () => {
    test('a new host gets never-updated detail/label times, now for the rest, and All Hosts membership', async () => {
      const now = at('2031-02-03T04:05:06.789Z');
      const tag = uniq();
      const result = await store.enrollHost({
        osqueryHostId: `oid-${tag}`,
        nodeKeyHash: `nkh-${tag}`,
        enrollSecretName: 'secret-a',
        now,
        details: { hostname: `new-${tag}`, platform: 'darwin', memory: 17_179_869_184, uptime: 8305 },
      });
      expect(result.replacedNodeKeyHash).toBeNull();
      const host = result.host;
      expect(host).toMatchObject({
        osquery_host_id: `oid-${tag}`,
        node_key_hash: `nkh-${tag}`,
        enroll_secret_name: 'secret-a',
        hostname: `new-${tag}`,
        platform: 'darwin',
        memory: 17_179_869_184,
        uptime: 8305,
        // Everything not reported is empty.
        uuid: '',
        osquery_version: '',
        primary_ip: '',
        cpu_logical_cores: 0,
        distributed_interval: 0,
        config_tls_refresh: 0,
        additional: null,
      });
      expect(host.id).toBeGreaterThan(0);
      for (const field of ['created_at', 'updated_at', 'seen_time', 'last_enrolled_at'] as const) {
        expect(host[field].getTime()).toBe(now.getTime());
      }
      expect(host.detail_updated_at.getTime()).toBe(NEVER_UPDATED.getTime());
      expect(host.label_updated_at.getTime()).toBe(NEVER_UPDATED.getTime());
      expect(typeof host.memory).toBe('number');
      expect(await store.host(host.id)).toEqual(host);
      expect(await store.hostByNodeKeyHash(`nkh-${tag}`)).toEqual(host);
      expect((await store.labelsForHost(host.id)).map((l) => l.name)).toEqual(['All Hosts']);
    });

    test('re-enrolling keeps the row and its facts, replaces key, secret name and last_enrolled_at', async () => {
      const first = await enroll({ now: at('2030-05-01T00:00:00Z') }, { platform: 'ubuntu', uuid: `u-${uniq()}` });
      await store.updateHost(first.id, { detail_updated_at: at('2030-05-01T01:00:00Z') });
      await store.markHostsSeen([first.id], at('2030-05-01T02:00:00Z'));
      const before = await store.host(first.id);

      const later = at('2030-05-02T00:00:00Z');
      const again = await store.enrollHost({
        osqueryHostId: first.osquery_host_id,
        nodeKeyHash: `nkh-${uniq()}`,
        enrollSecretName: 'secret-b',
        now: later,
        details: { osquery_version: '5.9.1' },
      });
      expect(again.replacedNodeKeyHash).toBe(first.node_key_hash);
      const host = again.host;
      expect(host.id).toBe(first.id);
      expect(host).toMatchObject({
        hostname: first.hostname,
        platform: 'ubuntu',
        uuid: before.uuid,
        osquery_version: '5.9.1',
        enroll_secret_name: 'secret-b',
      });
      expect(host.last_enrolled_at.getTime()).toBe(later.getTime());
      expect(host.created_at.getTime()).toBe(before.created_at.getTime());
      expect(host.seen_time.getTime()).toBe(before.seen_time.getTime());
      expect(host.detail_updated_at.getTime()).toBe(before.detail_updated_at.getTime());
      expect(host.label_updated_at.getTime()).toBe(before.label_updated_at.getTime());
      expect(await store.hostByNodeKeyHash(first.node_key_hash)).toBeNull();
      expect((await store.hostByNodeKeyHash(host.node_key_hash))?.id).toBe(first.id);
      expect((await store.labelsForHost(first.id)).map((l) => l.name)).toEqual(['All Hosts']);

      // The same key again replaces nothing.
      const same = await store.enrollHost({
        osqueryHostId: first.osquery_host_id,
        nodeKeyHash: host.node_key_hash,
        enrollSecretName: 'secret-b',
        now: later,
        details: {},
      });
      expect(same.replacedNodeKeyHash).toBeNull();
      expect(same.host.id).toBe(first.id);
    });

    test('the osquery identifier matches regardless of case (like Fleet’s collation)', async () => {
      const host = await enroll();
      const again = await enroll({ osqueryHostId: host.osquery_host_id.toUpperCase() });
      expect(again.id).toBe(host.id);
      expect(again.osquery_host_id).toBe(host.osquery_host_id);
    });

    test('concurrent enrolls of one identifier make one row', async () => {
      const oid = `oid-race-${uniq()}`;
      const hostname = `race-${uniq()}`;
      const results = await Promise.all(
        Array.from({ length: 6 }, (_v, i) =>
          store.enrollHost({ osqueryHostId: oid, nodeKeyHash: `nkh-race-${oid}-${i}`, enrollSecretName: 'default', now: at('2030-01-01T00:00:00Z'), details: { hostname } }),
        ),
      );
      const ids = new Set(results.map((r) => r.host.id));
      expect(ids.size).toBe(1);
      expect((await store.listHosts(list({ query: hostname }))).map((h) => h.id)).toEqual([...ids]);
      // Exactly one enrolment created the row; every later one replaced a key.
      expect(results.filter((r) => r.replacedNodeKeyHash === null)).toHaveLength(1);
      const stored = await store.host([...ids][0]!);
      expect(await store.hostByNodeKeyHash(stored.node_key_hash)).toEqual(stored);
    });

    test('a node key hash held by another host is refused and nothing changes', async () => {
      const holder = await enroll();
      const oid = `oid-${uniq()}`;
      await expectError(enroll({ osqueryHostId: oid, nodeKeyHash: holder.node_key_hash }), AlreadyExistsError);
      expect(await store.hostByIdentifier(oid)).toBeNull();
      expect((await store.hostByNodeKeyHash(holder.node_key_hash))?.id).toBe(holder.id);
    });

    test('facts that do not fit their columns are refused before anything is written', async () => {
      const oid = `oid-${uniq()}`;
      await expectError(enroll({ osqueryHostId: oid }, { primary_ip: 'x'.repeat(46) }), InvalidArgumentError);
      await expectError(enroll({ osqueryHostId: oid }, { primary_mac: 'x'.repeat(18) }), InvalidArgumentError);
      await expectError(enroll({ osqueryHostId: oid }, { cpu_logical_cores: 2 ** 31 }), InvalidArgumentError);
      await expectError(enroll({ osqueryHostId: oid }, { uptime: 1.5 }), InvalidArgumentError);
      await expectError(enroll({ osqueryHostId: oid }, { hostname: 'nul\u0000byte' }), InvalidArgumentError);
      expect(await store.hostByIdentifier(oid)).toBeNull();
      // The limits themselves fit.
      const ok = await enroll({}, { primary_ip: 'f'.repeat(45), primary_mac: 'm'.repeat(17), cpu_logical_cores: 2 ** 31 - 1, memory: 2 ** 53 - 1 });
      expect(await store.host(ok.id)).toMatchObject({ primary_ip: 'f'.repeat(45), cpu_logical_cores: 2 ** 31 - 1, memory: 2 ** 53 - 1 });
    });
  });

  describe('hosts: lookups', () => {
    test('host throws NotFoundError for a missing id; hostByNodeKeyHash returns null', async () => {
      await expectError(store.host(987_001), NotFoundError, 'Host 987001 was not found in the datastore');
      expect(await store.hostByNodeKeyHash(`nope-${uniq()}`)).toBeNull();
    });

    test('hostByIdentifier matches hostname, osquery identifier or uuid, ignoring case; never the node key or id', async () => {
      const tag = uniq();
      const host = await enroll({ osqueryHostId: `OID-${tag}` }, { hostname: `Ident-${tag}.Local`, uuid: `UUID-${tag}` });
      expect((await store.hostByIdentifier(`ident-${tag}.local`))?.id).toBe(host.id);
      expect((await store.hostByIdentifier(`oid-${tag}`))?.id).toBe(host.id);
      expect((await store.hostByIdentifier(`uuid-${tag}`))?.id).toBe(host.id);
      expect(await store.hostByIdentifier(host.node_key_hash)).toBeNull();
      expect(await store.hostByIdentifier(String(host.id))).toBeNull();
      expect(await store.hostByIdentifier(`ident-${tag}`)).toBeNull(); // exact, not a prefix
      expect(await store.hostByIdentifier(`unknown-${tag}`)).toBeNull();
      // Not every host that has yet to report a hostname and uuid.
      await enroll({}, { hostname: '', uuid: '' });
      expect(await store.hostByIdentifier('')).toBeNull();
    });

    test('returned hosts are copies', async () => {
      const host = await enroll({}, { additional: { a: [1] } });
      host.hostname = 'mutated';
      host.seen_time.setTime(0);
      (host.additional!.a as number[]).push(2);
      const again = await store.host(host.id);
      expect(again.hostname).not.toBe('mutated');
      expect(again.seen_time.getTime()).not.toBe(0);
      expect(again.additional).toEqual({ a: [1] });
      const listed = await store.listHosts(list());
      listed.forEach((h) => (h.hostname = 'mutated'));
      expect((await store.host(host.id)).hostname).not.toBe('mutated');
    });
  });

  describe('hosts: listing', () => {
    test('defaults to id order, all rows when perPage is absent, and pages', async () => {
      await enroll();
      await enroll();
      const full = await store.listHosts(list());
      const ids = full.map((h) => h.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const page = await store.listHosts(list({ perPage: 2, page: 1 }));
      expect(page.map((h) => h.id)).toEqual(ids.slice(2, 4));
      expect(await store.listHosts(list({ perPage: 2, page: 1_000_000 }))).toEqual([]);
    });

    test('orders by column names and their JSON aliases; text in byte order; ties by id', async () => {
      const tag = uniq();
      const b = await enroll({}, { hostname: `b-${tag}`, memory: 300 });
      const upper = await enroll({}, { hostname: `Z-${tag}`, memory: 100 });
      const a = await enroll({}, { hostname: `a-${tag}`, memory: 300 });
      const mine = [a, b, upper];
      for (const key of ['hostname', 'host_name']) {
        expect(idsAmong(await store.listHosts(list({ orderKey: key })), mine)).toEqual([upper.id, a.id, b.id]);
        expect(idsAmong(await store.listHosts(list({ orderKey: key, orderDirection: 'desc' })), mine)).toEqual([b.id, a.id, upper.id]);
      }
      for (const key of ['memory', 'physical_memory']) {
        expect(idsAmong(await store.listHosts(list({ orderKey: key })), mine)).toEqual([upper.id, b.id, a.id]);
        // Ties stay in id order when descending too.
        expect(idsAmong(await store.listHosts(list({ orderKey: key, orderDirection: 'desc' })), mine)).toEqual([b.id, a.id, upper.id]);
      }
    });

    test('orders by the timestamp aliases', async () => {
      const x = await enroll({ now: at('2030-03-01T00:00:00Z') });
      const y = await enroll({ now: at('2030-02-01T00:00:00Z') });
      await store.updateHost(x.id, { detail_updated_at: at('2030-03-05T00:00:00Z'), labels: { results: [], at: at('2030-03-01T00:00:00Z') } });
      await store.updateHost(y.id, { detail_updated_at: at('2030-03-06T00:00:00Z'), labels: { results: [], at: at('2030-03-09T00:00:00Z') } });
      await enroll({ osqueryHostId: y.osquery_host_id, nodeKeyHash: `nkh-${uniq()}`, now: at('2030-03-10T00:00:00Z') });
      const mine = [x, y];
      for (const key of ['detail_updated_at', 'detail_update_time', 'label_updated_at', 'label_update_time', 'last_enrolled_at', 'last_enroll_time']) {
        expect(idsAmong(await store.listHosts(list({ orderKey: key })), mine)).toEqual([x.id, y.id]);
      }
      expect(idsAmong(await store.listHosts(list({ orderKey: 'created_at' })), mine)).toEqual([y.id, x.id]);
      await store.markHostsSeen([x.id], at('2030-04-01T00:00:00Z'));
      await store.markHostsSeen([y.id], at('2030-03-31T00:00:00Z'));
      expect(idsAmong(await store.listHosts(list({ orderKey: 'seen_time' })), mine)).toEqual([y.id, x.id]);
    });

    test('an unknown order key is refused', async () => {
      await expectError(store.listHosts(list({ orderKey: 'node_key_hash' })), InvalidArgumentError);
    });

    test('query: case-insensitive substring of hostname, uuid, hardware serial or primary IP', async () => {
      const tag = uniq();
      const byName = await enroll({}, { hostname: `srch-${tag}-alpha.local` });
      const byUuid = await enroll({}, { uuid: `uuid-${tag}-x` });
      const bySerial = await enroll({}, { hardware_serial: `ser${tag}` });
      const byIp = await enroll({}, { primary_ip: `ip${tag}` });
      const other = await enroll({}, { computer_name: `cn-${tag}`, os_version: tag, primary_mac: tag.slice(0, 17) });
      const mine = [byName, byUuid, bySerial, byIp, other];
      expect(idsAmong(await store.listHosts(list({ query: tag.toUpperCase() })), mine)).toEqual([byName.id, byUuid.id, bySerial.id, byIp.id]);
      expect(idsAmong(await store.listHosts(list({ query: `SRCH-${tag}-ALPHA` })), mine)).toEqual([byName.id]);
      // An empty query is no filter.
      expect(idsAmong(await store.listHosts(list({ query: '' })), mine)).toEqual(mine.map((h) => h.id));
      // A query never matches across two columns.
      expect(await store.listHosts(list({ query: `alpha.local\u0001` }))).toEqual([]);
    });

    test('query: % and _ are literal characters', async () => {
      const tag = uniq();
      const literal = await enroll({}, { hostname: `pct${tag}50%_off` });
      const lookalike = await enroll({}, { hostname: `pct${tag}50xyoff` });
      const mine = [literal, lookalike];
      expect(idsAmong(await store.listHosts(list({ query: `${tag}50%_` })), mine)).toEqual([literal.id]);
      expect(idsAmong(await store.listHosts(list({ query: `${tag}50__` })), mine)).toEqual([]);
      expect(idsAmong(await store.listHosts(list({ query: `pct${tag}%off` })), mine)).toEqual([]);
    });

    test('labelId lists members only, and combines with query, order and paging', async () => {
      const tag = uniq();
      const label = await store.newLabel(newLabelInput());
      const m1 = await enroll({}, { hostname: `mem-${tag}-b` });
      const m2 = await enroll({}, { hostname: `mem-${tag}-a` });
      const outsider = await enroll({}, { hostname: `mem-${tag}-c` });
      await store.updateHost(m1.id, { labels: { results: [[label.id, true]], at: at('2030-01-01T00:00:00Z') } });
      await store.updateHost(m2.id, { labels: { results: [[label.id, true]], at: at('2030-01-01T00:00:00Z') } });
      expect((await store.listHosts(list({ labelId: label.id }))).map((h) => h.id)).toEqual([m1.id, m2.id]);
      expect((await store.listHosts(list({ labelId: label.id, orderKey: 'hostname' }))).map((h) => h.id)).toEqual([m2.id, m1.id]);
      expect((await store.listHosts(list({ labelId: label.id, query: `${tag}-a` }))).map((h) => h.id)).toEqual([m2.id]);
      expect((await store.listHosts(list({ labelId: label.id, perPage: 1, page: 1 }))).map((h) => h.id)).toEqual([m2.id]);
      expect(idsAmong(await store.listHosts(list({ query: `mem-${tag}` })), [outsider])).toEqual([outsider.id]);
      expect(await store.listHosts(list({ labelId: 987_002 }))).toEqual([]);
    });
  });

  describe('hosts: status', () => {
    // I = min(10, 20) + 30 = 40 s for the default intervals of hostAt.
    const N = at('2045-06-15T12:00:00Z');

    test('status filter and summary use the SQL-aggregate boundaries of spec §4', async () => {
      const before = await store.hostStatusSummary(N);
      const online = await hostAt(plus(N, -DAY), plus(N, -40 * SECOND + 1)); // new (created exactly 24 h ago)
      const offline = await hostAt(plus(N, -DAY - 1), plus(N, -40 * SECOND)); // seen + I = now
      const both = await hostAt(plus(N, -40 * DAY), plus(N, -30 * DAY)); // seen + 30 d = now: mia and offline
      const mia = await hostAt(plus(N, -40 * DAY), plus(N, -30 * DAY - 1));
      const fresh = await hostAt(N, plus(N, -30 * SECOND + 1), [0, 0]); // I = 30 s; new
      const lapsed = await hostAt(plus(N, 5 * DAY), plus(N, -30 * SECOND), [0, 0]); // created "later": still new
      const minOfTwo = await hostAt(plus(N, -2 * DAY), plus(N, -40 * SECOND), [300, 11]); // I = 41 s: online
      const mine = [online, offline, both, mia, fresh, lapsed, minOfTwo];

      const members = async (status: HostListOptions['status']) => idsAmong(await store.listHosts(list({ status, now: N })), mine);
      expect(await members('online')).toEqual([online.id, fresh.id, minOfTwo.id]);
      expect(await members('offline')).toEqual([offline.id, both.id, lapsed.id]);
      expect(await members('mia')).toEqual([both.id, mia.id]);
      expect(await members('new')).toEqual([online.id, fresh.id, lapsed.id]);

      expect(diff(await store.hostStatusSummary(N), before)).toEqual({ online_count: 3, offline_count: 3, mia_count: 2, new_count: 3 });

      // The per-host value uses strict comparisons: boundary hosts are one bucket less stale.
      expect([online, offline, both, mia, fresh, lapsed, minOfTwo].map((h) => hostStatus(h, N))).toEqual([
        'online',
        'online',
        'offline',
        'mia',
        'online',
        'online',
        'online',
      ]);
    });

    test('status combines with query and label filters', async () => {
      const tag = uniq();
      const label = await store.newLabel(newLabelInput());
      const on = await enroll({ now: N }, { hostname: `st-${tag}-on` });
      const off = await enroll({ now: N }, { hostname: `st-${tag}-off` });
      await store.markHostsSeen([off.id], plus(N, -HOUR));
      await store.updateHost(on.id, { labels: { results: [[label.id, true]], at: N } });
      await store.updateHost(off.id, { labels: { results: [[label.id, true]], at: N } });
      expect((await store.listHosts(list({ now: N, status: 'online', query: `st-${tag}` }))).map((h) => h.id)).toEqual([on.id]);
      expect((await store.listHosts(list({ now: N, status: 'offline', labelId: label.id }))).map((h) => h.id)).toEqual([off.id]);
    });
  });

  describe('hosts: updates', () => {
    test('updateHost applies only the given facts and never touches seen_time', async () => {
      const host = await enroll({}, { platform: 'darwin', hardware_model: 'MacBookPro16,1', additional: { old: 1 } });
      await store.markHostsSeen([host.id], at('2030-01-01T00:10:00Z'));
      const detailAt = at('2030-01-01T01:00:00Z');
      await store.updateHost(host.id, {
        details: { osquery_version: '5.10.2', uptime: 4_294_967_296, additional: { fresh: [{ a: '1' }] } },
        detail_updated_at: detailAt,
      });
      const updated = await store.host(host.id);
      expect(updated).toMatchObject({
        platform: 'darwin',
        hardware_model: 'MacBookPro16,1',
        osquery_version: '5.10.2',
        uptime: 4_294_967_296,
        additional: { fresh: [{ a: '1' }] }, // replaced wholesale
      });
      expect(updated.detail_updated_at.getTime()).toBe(detailAt.getTime());
      expect(updated.label_updated_at.getTime()).toBe(NEVER_UPDATED.getTime());
      expect(updated.seen_time.getTime()).toBe(at('2030-01-01T00:10:00Z').getTime());
      expect(updated.updated_at.getTime()).not.toBe(host.updated_at.getTime());

      await store.updateHost(host.id, { details: { additional: null } });
      expect((await store.host(host.id)).additional).toBeNull();
    });

    test('label results upsert and delete memberships and set label_updated_at', async () => {
      const host = await enroll();
      const l1 = await store.newLabel(newLabelInput());
      const l2 = await store.newLabel(newLabelInput());
      const l3 = await store.newLabel(newLabelInput());
      const t1 = at('2030-01-02T00:00:00Z');
      await store.updateHost(host.id, { labels: { results: [[l1.id, true], [l2.id, true], [l3.id, false]], at: t1 } });
      expect((await store.labelsForHost(host.id)).map((l) => l.id)).toEqual([(await allHostsLabel()).id, l1.id, l2.id]);
      expect((await store.host(host.id)).label_updated_at.getTime()).toBe(t1.getTime());

      const t2 = at('2030-01-03T00:00:00Z');
      // A repeated label: the last result wins. An unknown label id is skipped.
      await store.updateHost(host.id, { labels: { results: [[l1.id, false], [l2.id, true], [l3.id, false], [l3.id, true], [987_003, true]], at: t2 } });
      expect((await store.labelsForHost(host.id)).map((l) => l.id)).toEqual([(await allHostsLabel()).id, l2.id, l3.id]);
      const after = await store.host(host.id);
      expect(after.label_updated_at.getTime()).toBe(t2.getTime());
      expect(after.detail_updated_at.getTime()).toBe(NEVER_UPDATED.getTime());

      // An empty result set still stamps the evaluation time.
      const t3 = at('2030-01-04T00:00:00Z');
      await store.updateHost(host.id, { labels: { results: [], at: t3 } });
      expect((await store.host(host.id)).label_updated_at.getTime()).toBe(t3.getTime());
    });

    test('updateHost of a missing host throws NotFoundError; bad facts change nothing', async () => {
      await expectError(store.updateHost(987_004, { detail_updated_at: new Date() }), NotFoundError, 'Host 987004 was not found in the datastore');
      const host = await enroll();
      const label = await store.newLabel(newLabelInput());
      await expectError(
        store.updateHost(host.id, {
          details: { platform: 'windows', primary_mac: 'x'.repeat(40) },
          labels: { results: [[label.id, true]], at: at('2030-02-01T00:00:00Z') },
        }),
        InvalidArgumentError,
      );
      expect(await store.host(host.id)).toEqual(host);
      expect(await store.labelMemberHostnames(label.id)).toEqual([]);
    });

    test('markHostsSeen sets many hosts at once; unknown ids and an empty list are ignored', async () => {
      const a = await enroll();
      const b = await enroll();
      const c = await enroll();
      const seen = at('2030-06-01T00:00:00.123Z');
      await store.markHostsSeen([a.id, b.id, 987_005], seen);
      await store.markHostsSeen([], at('2031-01-01T00:00:00Z'));
      expect((await store.host(a.id)).seen_time.getTime()).toBe(seen.getTime());
      expect((await store.host(b.id)).seen_time.getTime()).toBe(seen.getTime());
      expect(await store.host(c.id)).toEqual(c);
      const bAfter = await store.host(b.id);
      expect(bAfter.updated_at.getTime()).toBe(b.updated_at.getTime());
    });
  });

  describe('hosts: deletion', () => {
    test('deleteHost returns the host and removes its memberships; again throws NotFoundError', async () => {
      const label = await store.newLabel(newLabelInput());
      const host = await enroll();
      await store.updateHost(host.id, { labels: { results: [[label.id, true]], at: at('2030-01-01T00:00:00Z') } });
      const stored = await store.host(host.id);
      const countsBefore = await store.labelHostCounts();
      expect(await store.deleteHost(host.id)).toEqual(stored);
      await expectError(store.host(host.id), NotFoundError);
      expect(await store.hostByNodeKeyHash(host.node_key_hash)).toBeNull();
      expect(await store.labelMemberHostnames(label.id)).toEqual([]);
      expect(await store.labelsForHost(host.id)).toEqual([]);
      const countsAfter = await store.labelHostCounts();
      const allHosts = (await allHostsLabel()).id;
      expect(countsAfter.get(allHosts)).toBe(countsBefore.get(allHosts)! - 1);
      await expectError(store.deleteHost(host.id), NotFoundError, `Host ${host.id} was not found in the datastore`);
      // The identifier can enroll again, as a new row.
      const back = await enroll({ osqueryHostId: host.osquery_host_id });
      expect(back.id).not.toBe(host.id);
    });

    test('deleteHostsSeenBefore deletes strictly older hosts and returns their key hashes', async () => {
      const cutoff = at('1990-01-01T00:00:00Z');
      const old1 = await hostAt(at('1991-01-01T00:00:00Z'), at('1980-01-01T00:00:00Z'));
      const old2 = await hostAt(at('1991-01-01T00:00:00Z'), plus(cutoff, -1));
      const edge = await hostAt(at('1991-01-01T00:00:00Z'), cutoff);
      expect(await store.deleteHostsSeenBefore(cutoff)).toEqual([old1.node_key_hash, old2.node_key_hash]);
      await expectError(store.host(old1.id), NotFoundError);
      expect((await store.host(edge.id)).id).toBe(edge.id);
      expect(await store.deleteHostsSeenBefore(cutoff)).toEqual([]);
      await store.deleteHost(edge.id);
    });

    test('deleteIncomingHosts deletes only hosts that never reported hostname and osquery version', async () => {
      const cutoff = at('1990-01-01T00:00:00Z');
      const created = plus(cutoff, -1);
      const incoming = await enroll({ now: created }, { hostname: '' });
      const named = await enroll({ now: created });
      const versioned = await enroll({ now: created }, { hostname: '', osquery_version: '4.6.0' });
      const recent = await enroll({ now: cutoff }, { hostname: '' });
      for (const h of [incoming, named, versioned, recent]) await store.markHostsSeen([h.id], at('2030-01-01T00:00:00Z'));
      expect(await store.deleteIncomingHosts(cutoff)).toEqual([incoming.node_key_hash]);
      for (const h of [named, versioned, recent]) expect((await store.host(h.id)).id).toBe(h.id);
      for (const h of [named, versioned, recent]) await store.deleteHost(h.id);
    });
  });

  describe('labels: records and membership', () => {
    test('newLabel stores every field; ids follow the builtins; names are unique regardless of case', async () => {
      const input = newLabelInput({ platform: 'darwin', label_membership_type: 'manual' });
      const label = await store.newLabel(input);
      expect(label).toMatchObject(input);
      expect(label.id).toBeGreaterThanOrEqual(11);
      expect(label.created_at).toBeInstanceOf(Date);
      expect(await store.label(label.id)).toEqual(label);
      await expectError(
        store.newLabel(newLabelInput({ name: input.name.toUpperCase() })),
        AlreadyExistsError,
        `Label ${input.name.toUpperCase()} already exists in the datastore`,
      );
    });

    test('label throws NotFoundError; labelByName ignores case and returns null when absent', async () => {
      await expectError(store.label(987_006), NotFoundError, 'Label 987006 was not found in the datastore');
      const label = await store.newLabel(newLabelInput());
      expect(await store.labelByName(label.name.toUpperCase())).toEqual(label);
      expect(await store.labelByName(`nope-${uniq()}`)).toBeNull();
      expect((await store.labelByName('all hosts'))?.id).toBe(6);
    });

    test('saveLabel saves every mutable field and bumps updated_at; taken names and missing ids are refused', async () => {
      const label = await store.newLabel(newLabelInput());
      const other = await store.newLabel(newLabelInput());
      await sleep(5);
      const changed: Label = { ...label, name: `renamed-${uniq()}`, description: 'd', query: 'select 2;', platform: 'windows', label_membership_type: 'manual' };
      const saved = await store.saveLabel(changed);
      const { updated_at: _u, ...fields } = changed;
      expect(saved).toMatchObject({ ...fields, created_at: label.created_at });
      expect(saved.updated_at.getTime()).toBeGreaterThan(label.updated_at.getTime());
      expect(await store.label(label.id)).toEqual(saved);
      // Its own name in another case is fine; another label's is not.
      await expect(store.saveLabel({ ...saved, name: saved.name.toUpperCase() })).resolves.toMatchObject({ name: saved.name.toUpperCase() });
      await expectError(store.saveLabel({ ...saved, name: other.name.toUpperCase() }), AlreadyExistsError);
      await expectError(store.saveLabel({ ...saved, id: 987_007 }), NotFoundError, 'Label 987007 was not found in the datastore');
    });

    test('deleteLabel removes the label and its memberships; again throws NotFoundError', async () => {
      const label = await store.newLabel(newLabelInput());
      const host = await enroll();
      await store.updateHost(host.id, { labels: { results: [[label.id, true]], at: at('2030-01-01T00:00:00Z') } });
      await store.deleteLabel(label.id);
      await expectError(store.label(label.id), NotFoundError);
      expect((await store.labelsForHost(host.id)).map((l) => l.id)).toEqual([6]);
      expect((await store.labelHostCounts()).has(label.id)).toBe(false);
      await expectError(store.deleteLabel(label.id), NotFoundError, `Label ${label.id} was not found in the datastore`);
      // The name is free again.
      await expect(store.newLabel(newLabelInput({ name: label.name }))).resolves.toBeDefined();
    });

    test('listLabels orders by any allowed key, host_count by member count, ties by id; pages', async () => {
      const tag = uniq();
      const c = await store.newLabel(newLabelInput({ name: `c-${tag}` }));
      const a = await store.newLabel(newLabelInput({ name: `a-${tag}` }));
      const b = await store.newLabel(newLabelInput({ name: `B-${tag}` }));
      const mine = [a, b, c];
      const [h1, h2] = [await enroll(), await enroll()];
      const t = at('2030-01-01T00:00:00Z');
      await store.updateHost(h1.id, { labels: { results: [[a.id, true], [c.id, true]], at: t } });
      await store.updateHost(h2.id, { labels: { results: [[a.id, true]], at: t } });

      expect(idsAmong(await store.listLabels(), mine)).toEqual([c.id, a.id, b.id]);
      expect(idsAmong(await store.listLabels({ page: 0, orderDirection: 'asc', orderKey: 'name' }), mine)).toEqual([b.id, a.id, c.id]);
      expect(idsAmong(await store.listLabels({ page: 0, orderDirection: 'desc', orderKey: 'host_count' }), mine)).toEqual([a.id, c.id, b.id]);
      expect(idsAmong(await store.listLabels({ page: 0, orderDirection: 'asc', orderKey: 'host_count' }), mine)).toEqual([b.id, c.id, a.id]);
      const counts = await store.labelHostCounts();
      expect([counts.get(a.id), counts.get(b.id) ?? 0, counts.get(c.id)]).toEqual([2, 0, 1]);

      const full = await store.listLabels();
      const page = await store.listLabels({ page: 1, perPage: 2, orderDirection: 'asc' });
      expect(page.map((l) => l.id)).toEqual(full.slice(2, 4).map((l) => l.id));
      await expectError(store.listLabels({ page: 0, orderDirection: 'asc', orderKey: 'query' }), InvalidArgumentError);
    });

    test('labelsForHost lists by id; labelMemberHostnames is sorted', async () => {
      const tag = uniq();
      const label = await store.newLabel(newLabelInput());
      const zed = await enroll({}, { hostname: `zed-${tag}` });
      const abe = await enroll({}, { hostname: `abe-${tag}` });
      const t = at('2030-01-01T00:00:00Z');
      await store.updateHost(zed.id, { labels: { results: [[label.id, true]], at: t } });
      await store.updateHost(abe.id, { labels: { results: [[label.id, true]], at: t } });
      expect(await store.labelMemberHostnames(label.id)).toEqual([`abe-${tag}`, `zed-${tag}`]);
      expect((await store.labelsForHost(zed.id)).map((l) => l.id)).toEqual([6, label.id]);
      expect(await store.labelsForHost(987_008)).toEqual([]);
      expect(await store.labelMemberHostnames(987_009)).toEqual([]);
    });
  });

  describe('label specs', () => {
    test('applyLabelSpecs creates and updates labels by name, ignoring case', async () => {
      const existing = await store.newLabel(newLabelInput());
      const fresh = spec({ platform: 'ubuntu' });
      await sleep(5);
      await store.applyLabelSpecs([
        fresh,
        spec({ name: existing.name.toUpperCase(), description: 'new description', query: 'select 42;', platform: 'windows' }),
      ]);
      const created = await store.labelByName(fresh.name);
      const { hosts: _h, ...fields } = fresh;
      expect(created).toMatchObject(fields);
      const updated = await store.label(existing.id);
      expect(updated).toMatchObject({ name: existing.name.toUpperCase(), description: 'new description', query: 'select 42;', platform: 'windows' });
      expect(updated.created_at.getTime()).toBe(existing.created_at.getTime());
      expect(updated.updated_at.getTime()).toBeGreaterThan(existing.updated_at.getTime());
      await expect(store.applyLabelSpecs([])).resolves.toBeUndefined();
    });

    test('a manual label’s members become the hosts with the listed hostnames (case-insensitive)', async () => {
      const tag = uniq();
      const h1 = await enroll({}, { hostname: `man-${tag}-1` });
      const h2 = await enroll({}, { hostname: `MAN-${tag}-2` });
      const h3 = await enroll({}, { hostname: `man-${tag}-3` });
      const name = `manual-${tag}`;
      await store.applyLabelSpecs([spec({ name, label_membership_type: 'manual', hosts: [`MAN-${tag}-1`, `man-${tag}-2`, `ghost-${tag}`] })]);
      const label = (await store.labelByName(name))!;
      expect(await store.labelMemberHostnames(label.id)).toEqual([h2.hostname, h1.hostname]);
      expect(idsAmong(await store.listHosts(list({ labelId: label.id })), [h1, h2, h3])).toEqual([h1.id, h2.id]);

      await store.applyLabelSpecs([spec({ name, label_membership_type: 'manual', hosts: [h3.hostname] })]);
      expect(await store.labelMemberHostnames(label.id)).toEqual([h3.hostname]);
      expect((await store.label(label.id)).id).toBe(label.id);

      await store.applyLabelSpecs([spec({ name, label_membership_type: 'manual', hosts: [] })]);
      expect(await store.labelMemberHostnames(label.id)).toEqual([]);
    });

    test('a dynamic label keeps the memberships its hosts reported', async () => {
      const host = await enroll();
      const label = await store.newLabel(newLabelInput());
      await store.updateHost(host.id, { labels: { results: [[label.id, true]], at: at('2030-01-01T00:00:00Z') } });
      await store.applyLabelSpecs([spec({ name: label.name, query: 'select 3;' })]);
      expect(await store.labelMemberHostnames(label.id)).toEqual([host.hostname]);
      expect((await store.label(label.id)).query).toBe('select 3;');
    });

    test('the apply is all or nothing', async () => {
      const host = await enroll();
      const manual = spec({ label_membership_type: 'manual', hosts: [host.hostname] });
      await store.applyLabelSpecs([manual]);
      const label = (await store.labelByName(manual.name))!;
      const first = spec();
      await expectError(
        store.applyLabelSpecs([first, { ...manual, description: 'changed', hosts: [] }, spec({ name: '' })]),
        InvalidArgumentError,
      );
      expect(await store.labelByName(first.name)).toBeNull();
      expect(await store.label(label.id)).toEqual(label);
      expect(await store.labelMemberHostnames(label.id)).toEqual([host.hostname]);
    });
  });
}
