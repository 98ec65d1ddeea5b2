import { BUILTIN_LABELS } from '../../internal/fleet';
import { expectAuthMatrix, makeCallers, matrixFor, type CallerTokens } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, validation } from './helpers';
import { HOST_KEYS, enrollHost, setMembership } from './host-fixtures';
import { queryPackClient } from './query-fixtures';

const ALL_HOSTS_ID = 6;
const LABEL_ITEM_KEYS = [
  'created_at',
  'updated_at',
  'id',
  'name',
  'description',
  'query',
  'platform',
  'label_type',
  'label_membership_type',
  'host_count',
  'display_text',
  'count',
];

interface Targets {
  targets: { hosts: Array<Record<string, unknown>>; labels: Array<Record<string, unknown>> };
  targets_count: number;
  targets_online: number;
  targets_offline: number;
  targets_missing_in_action: number;
}

/** A fresh app per test: the searches depend on every host and label in the store. */
async function withApp(fn: (t: TestApp, search: (body: unknown) => Promise<Targets>, c: ReturnType<typeof queryPackClient>) => Promise<void>) {
  const t = await startTestApp();
  try {
    const token = (await t.setup()).token;
    const c = queryPackClient(t, () => token);
    const search = async (body: unknown) => {
      const res = await c.post('/targets', body);
      expect(res.status).toBe(200);
      return res.body as Targets;
    };
    await fn(t, search, c);
  } finally {
    await t.close();
  }
}

const hostnames = (r: Targets) => r.targets.hosts.map((h) => h.hostname);
const labelNames = (r: Targets) => r.targets.labels.map((l) => l.name);
const counts = (r: Targets) => [r.targets_count, r.targets_online, r.targets_offline, r.targets_missing_in_action];

describe('authorization', () => {
  test('POST /targets is open to any logged-in user, on both prefixes', async () => {
    const t = await startTestApp();
    try {
      const admin = (await t.setup()).token;
      const callers: CallerTokens = await makeCallers(t, admin);
      for (const prefix of [FLEET, KOLIDE]) {
        await expectAuthMatrix(
          callers,
          (auth) => auth(t.http().post(`${prefix}/targets`)).send({ query: 'ab', selected: { hosts: [], labels: [] } }),
          matrixFor('auth'),
        );
      }
    } finally {
      await t.close();
    }
  });
});

describe('POST /targets', () => {
  test('§18.40: empty text → the 5 most recently seen hosts and the 5 builtin labels; counts 0', () =>
    withApp(async (t, search, c) => {
      for (let i = 0; i < 7; i++) await enrollHost(t, { hostname: `seen-${i}`, seenAgo: 100 * i });
      await c.post('/labels', { name: 'custom', query: 'select 1' });
      const r = await search({ query: '', selected: { hosts: [], labels: [] } });
      expect(hostnames(r)).toEqual(['seen-0', 'seen-1', 'seen-2', 'seen-3', 'seen-4']);
      expect(labelNames(r)).toEqual(BUILTIN_LABELS.map((l) => l.name));
      expect(counts(r)).toEqual([0, 0, 0, 0]);
      expect(Object.keys(r.targets.hosts[0]!)).toEqual(HOST_KEYS);
      expect(r.targets.hosts[0]).toMatchObject({ status: 'online', display_text: 'seen-0' });
      expect(r.targets.hosts[3]).toMatchObject({ status: 'offline', display_text: 'seen-3' });
      const all = r.targets.labels[0]!;
      expect(Object.keys(all)).toEqual(LABEL_ITEM_KEYS.filter((k) => k !== 'platform'));
      // Every enrolled host is in All Hosts.
      expect(all).toMatchObject({ id: ALL_HOSTS_ID, name: 'All Hosts', label_type: 'builtin', display_text: 'All Hosts', count: 7, host_count: 7 });
      const macos = r.targets.labels[1]!;
      expect(Object.keys(macos)).toEqual(LABEL_ITEM_KEYS.filter((k) => k !== 'host_count'));
      expect(macos).toMatchObject({ name: 'macOS', platform: 'darwin', count: 0 });
      // Absent body parts, and one-character terms, mean the same.
      expect(await search({})).toEqual(r);
      expect(hostnames(await search({ query: 'a b' }))).toEqual(hostnames(r));
      expect(hostnames(await search({ query: '-+-' }))).toEqual(hostnames(r));
    }));

  test('§18.41: selecting All Hosts counts every member and drops it from the offered labels', () =>
    withApp(async (t, search) => {
      const hosts = [];
      for (let i = 0; i < 3; i++) hosts.push(await enrollHost(t, { hostname: `member-${i}` }));
      for (const h of hosts) await setMembership(t, h.host.id, ALL_HOSTS_ID, true);
      const r = await search({ query: '', selected: { hosts: [], labels: [ALL_HOSTS_ID] } });
      expect(r.targets_count).toBe(3);
      expect(r.targets_online).toBe(3);
      expect(labelNames(r)).not.toContain('All Hosts');
      expect(labelNames(r)).toEqual(BUILTIN_LABELS.slice(1).map((l) => l.name));
      const mine = (await search({ query: 'all' })).targets.labels.find((l) => l.id === ALL_HOSTS_ID)!;
      expect(mine).toMatchObject({ count: 3, host_count: 3 });
    }));

  test('a search: up to 10 hosts by hostname/uuid word prefix or exact IP/MAC, labels by name, All Hosts appended', () =>
    withApp(async (t, search, c) => {
      for (let i = 0; i < 12; i++) await enrollHost(t, { hostname: `web-${String(i).padStart(2, '0')}.example.com` });
      await enrollHost(t, { hostname: 'db-1', details: { primary_ip: '10.1.2.3', primary_mac: 'aa:bb:cc:dd:ee:ff' } });
      await enrollHost(t, { hostname: '2ceca32fe484', details: { uuid: 'E3A1B6C2-0000-4000-8000-000000000001' } });
      const web = await c.post('/labels', { name: 'webservers', query: 'select 1' });
      await c.post('/labels', { name: 'databases', query: 'select 1' });

      const r = await search({ query: 'web', selected: { hosts: [], labels: [] } });
      expect(r.targets.hosts).toHaveLength(10);
      expect(hostnames(r).every((h) => String(h).startsWith('web-'))).toBe(true);
      expect(labelNames(r)).toEqual(['webservers', 'All Hosts']);
      const item = r.targets.labels[0]!;
      expect(item).toMatchObject({ id: web.body.label.id, display_text: 'webservers', count: 0 });
      expect(Object.keys(item)).toEqual(LABEL_ITEM_KEYS.filter((k) => !['description', 'platform', 'host_count'].includes(k)));

      expect(hostnames(await search({ query: '10.1.2.3' }))).toEqual(['db-1']);
      expect(hostnames(await search({ query: 'AA:BB:CC:DD:EE:FF' }))).toEqual(['db-1']);
      expect(hostnames(await search({ query: '2ceca' }))).toEqual(['2ceca32fe484']);
      expect(hostnames(await search({ query: 'e3a1b6c2' }))).toEqual(['2ceca32fe484']);
      expect(hostnames(await search({ query: 'db' }))).toEqual(['db-1']);
      // `db-1` normalises to `db 1*`: no word reaches 3 characters, so the defaults are shown.
      expect(await search({ query: 'db-1' })).toEqual(await search({ query: '' }));
      const none = await search({ query: 'zzz' });
      expect(none.targets.hosts).toEqual([]);
      expect(labelNames(none)).toEqual(['All Hosts']);
      const allSelected = await search({ query: 'zzz', selected: { labels: [ALL_HOSTS_ID] } });
      expect(allSelected.targets.labels).toEqual([]);
      // "All Hosts" found by the search is not repeated.
      expect(labelNames(await search({ query: 'all hosts' }))).toEqual(['All Hosts']);
    }));

  test('selected hosts and labels are excluded; counters are over the selection (distinct union)', () =>
    withApp(async (t, search, c) => {
      const online = await enrollHost(t, { hostname: 'pick-online' });
      const offline = await enrollHost(t, { hostname: 'pick-offline', seenAgo: 3600 });
      const mia = await enrollHost(t, { hostname: 'pick-mia', seenAgo: 31 * 86_400 });
      const other = await enrollHost(t, { hostname: 'pick-other' });
      const label = (await c.post('/labels', { name: 'picked', query: 'select 1' })).body.label as { id: number };
      await setMembership(t, online.host.id, label.id, true);
      await setMembership(t, other.host.id, label.id, true);
      const r = await search({
        query: 'pick',
        selected: { hosts: [online.host.id, offline.host.id, mia.host.id, 999_999], labels: [label.id] },
      });
      // Only the selected hosts are left out (a member of a selected label is still offered).
      expect(hostnames(r)).toEqual(['pick-other']);
      expect(labelNames(r)).toEqual(['All Hosts']);
      expect(counts(r)).toEqual([4, 2, 1, 1]);
      const some = await search({ query: 'pick', selected: { hosts: [online.host.id, online.host.id] } });
      expect(hostnames(some).sort()).toEqual(['pick-mia', 'pick-offline', 'pick-other']);
      expect(labelNames(some)).toEqual(['picked', 'All Hosts']);
      expect(counts(some)).toEqual([1, 1, 0, 0]);
      const statuses = Object.fromEntries(some.targets.hosts.map((h) => [h.hostname, h.status]));
      expect(statuses).toEqual({ 'pick-mia': 'mia', 'pick-offline': 'offline', 'pick-other': 'online' });
    }));

  test('bad input: 422 for wrong types and sizes, 400 for a body that is not an object', () =>
    withApp(async (_t, _search, c) => {
      validation(await c.post('/targets', { query: 5 }), [{ name: 'query', reason: 'must be a string' }]);
      validation(await c.post('/targets', { query: HUGE }), [{ name: 'query', reason: 'is too long' }]);
      validation(await c.post('/targets', { selected: [] }), [{ name: 'selected', reason: 'must be an object' }]);
      validation(await c.post('/targets', { selected: { hosts: 'all', labels: [0] } }), [
        { name: 'selected.hosts', reason: 'must be an array of positive integers' },
        { name: 'selected.labels', reason: 'must be an array of positive integers' },
      ]);
      validation(await c.post('/targets', { selected: { hosts: Array.from({ length: 100_001 }, () => 1) } }), [
        { name: 'selected.hosts', reason: 'must have at most 100000 entries' },
      ]);
      badRequest(await c.post('/targets', ['web']));
      badRequest(await c.raw('post', '/targets', '{"query": "web"'));
      badRequest(await c.raw('post', '/targets', 'null'));
      const nulls = await c.post('/targets', { query: null, selected: { hosts: null, labels: null } });
      expect(nulls.status).toBe(200);
    }));
});
