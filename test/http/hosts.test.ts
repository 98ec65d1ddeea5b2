import type { Test } from 'supertest';
import type { InvalidationEvent } from '../../internal/cache/invalidation-bus';
import { expectAuthMatrix, makeCallers, matrixFor, type CallerTokens } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';
import { FLEET, KOLIDE, badRequest, notFound, validation } from './helpers';
import { HOST_KEYS, HOST_KEYS_WITH_ADDITIONAL, enrollHost, setMembership } from './host-fixtures';

const DAY = 24 * 60 * 60;

let t: TestApp;
let adminToken: string;
let callers: CallerTokens;

beforeAll(async () => {
  t = await startTestApp();
  adminToken = (await t.setup()).token;
  callers = await makeCallers(t, adminToken);
});
afterAll(() => t.close());

const asAdmin = (req: Test) => req.set('Authorization', `Bearer ${adminToken}`);
const get = (path: string) => asAdmin(t.http().get(`${FLEET}${path}`));
const names = (body: { hosts: Array<{ hostname: string }> }) => body.hosts.map((h) => h.hostname);

describe('authorization', () => {
  test('every host route is open to any logged-in user, on both prefixes', async () => {
    const { host } = await enrollHost(t, { hostname: 'authz-host' });
    for (const prefix of [FLEET, KOLIDE]) {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/hosts`)), matrixFor('auth'));
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/host_summary`)), matrixFor('auth'));
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/hosts/${host.id}`)), matrixFor('auth'));
      await expectAuthMatrix(
        callers,
        (auth) => auth(t.http().get(`${prefix}/hosts/identifier/authz-host`)),
        matrixFor('auth'),
      );
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await enrollHost(t);
          return auth(t.http().delete(`${prefix}/hosts/${fresh.host.id}`));
        },
        matrixFor('auth'),
      );
    }
  });
});

describe('host JSON', () => {
  test('Fleet’s fields in Fleet’s order; uptime in nanoseconds; no secrets', async () => {
    const e = await enrollHost(t, {
      hostname: 'json-host',
      details: { uptime: 3600, memory: 17179869184, hardware_serial: 'C02XYZ', primary_ip: '10.0.0.5', computer_name: 'Json Mac' },
    });
    const res = await get(`/hosts/${e.host.id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['host']);
    const h = res.body.host;
    expect(Object.keys(h)).toEqual(HOST_KEYS);
    expect(h).toMatchObject({
      id: e.host.id,
      hostname: 'json-host',
      display_text: 'json-host',
      uptime: 3600 * 1e9,
      memory: 17179869184,
      hardware_serial: 'C02XYZ',
      primary_ip: '10.0.0.5',
      computer_name: 'Json Mac',
      enroll_secret_name: 'default',
      status: 'online',
    });
    expect(h.seen_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(h.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(e.nodeKeyHash);
    expect(text).not.toContain(e.osqueryHostId);
    expect(text).not.toContain('node_key');
  });

  test('additional appears when stored, in its place', async () => {
    const e = await enrollHost(t, { details: { additional: { owner: 'ops', rack: 4 } } });
    const h = (await get(`/hosts/${e.host.id}`)).body.host;
    expect(Object.keys(h)).toEqual(HOST_KEYS_WITH_ADDITIONAL);
    expect(h.additional).toEqual({ owner: 'ops', rack: 4 });
  });
});

describe('GET /hosts/{id}', () => {
  test('unknown → 404, non-numeric or out-of-range → 400', async () => {
    notFound(await get('/hosts/999999'), 'Host 999999 was not found in the datastore');
    badRequest(await get('/hosts/abc'));
    badRequest(await get('/hosts/-1'));
    badRequest(await get('/hosts/99999999999999999999'));
  });
});

describe('status and summary (own app: counts cover every host)', () => {
  let s: TestApp;
  let token: string;
  const sget = (path: string) => s.http().get(`${FLEET}${path}`).set('Authorization', `Bearer ${token}`);
  const statusOf = async (id: number) => (await sget(`/hosts/${id}`)).body.host.status;
  const filtered = async (status: string) => names((await sget(`/hosts?status=${status}`)).body).sort();

  beforeAll(async () => {
    s = await startTestApp();
    token = (await s.setup()).token;
    // Window = min(10, 60) + 30 = 40 s.
    await enrollHost(s, { hostname: 'seen-35s', seenAgo: 35, createdAgo: 2 * DAY });
    await enrollHost(s, { hostname: 'seen-40s', seenAgo: 40, createdAgo: 2 * DAY });
    await enrollHost(s, { hostname: 'seen-50s', seenAgo: 50, createdAgo: 2 * DAY });
    await enrollHost(s, { hostname: 'seen-30d', seenAgo: 30 * DAY, createdAgo: 40 * DAY });
    await enrollHost(s, { hostname: 'new-mia', seenAgo: 31 * DAY, createdAgo: 2 * 3600 });
    await enrollHost(s, { hostname: 'new-online', seenAgo: 0, createdAgo: 24 * 3600 });
  });
  afterAll(() => s.close());

  test('§18.31: seen 50 s ago with intervals 10/60 is offline (window 40 s); 35 s ago is online', async () => {
    const hosts = (await sget('/hosts?order_key=host_name')).body.hosts as Array<{ hostname: string; status: string }>;
    const status = Object.fromEntries(hosts.map((h) => [h.hostname, h.status]));
    expect(status).toEqual({
      'seen-35s': 'online',
      // Exactly on the window: the per-host rule is strict (seen + I < now is false).
      'seen-40s': 'online',
      'seen-50s': 'offline',
      // Exactly 30 days: not yet mia per host (strict), but offline.
      'seen-30d': 'offline',
      'new-mia': 'mia',
      'new-online': 'online',
    });
    for (const h of hosts) expect(['online', 'offline', 'mia']).toContain(h.status);
  });

  test('filters use the inclusive (SQL) boundaries; new is independent of the others', async () => {
    expect(await filtered('online')).toEqual(['new-online', 'seen-35s']);
    expect(await filtered('offline')).toEqual(['seen-30d', 'seen-40s', 'seen-50s']);
    expect(await filtered('mia')).toEqual(['new-mia', 'seen-30d']);
    expect(await filtered('new')).toEqual(['new-mia', 'new-online']);
    expect(await filtered('')).toHaveLength(6);
  });

  test('§18.32 and the summary: a host created 2 h ago and seen 31 days ago counts as new and mia', async () => {
    const res = await sget('/host_summary');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ online_count: 2, offline_count: 3, mia_count: 2, new_count: 2 });
    expect(Object.keys(res.body)).toEqual(['online_count', 'offline_count', 'mia_count', 'new_count']);
  });

  test('status follows the injected clock', async () => {
    const e = await enrollHost(s, { hostname: 'clocked', seenAgo: 0 });
    expect(await statusOf(e.host.id)).toBe('online');
    s.clock.advance(41_000);
    expect(await statusOf(e.host.id)).toBe('offline');
    s.clock.advance(31 * DAY * 1000);
    expect(await statusOf(e.host.id)).toBe('mia');
    await s.ds.deleteHost(e.host.id);
    s.clock.set(new Date(s.clock.now().getTime() - 41_000 - 31 * DAY * 1000));
  });

  test('status and query combine', async () => {
    expect(names((await sget('/hosts?status=offline&query=seen-5')).body)).toEqual(['seen-50s']);
  });

  test('an unknown status is a 422 that echoes a bounded value', async () => {
    validation(await sget('/hosts?status=foo'), [{ name: 'status', reason: 'invalid status foo' }]);
    const long = await sget(`/hosts?status=${'x'.repeat(5000)}`);
    expect(long.status).toBe(422);
    expect(long.body.errors[0].reason.length).toBeLessThan(200);
    expect((await sget('/hosts?status=foo&status=bar')).status).toBe(400);
  });
});

describe('search (own app)', () => {
  let s: TestApp;
  let token: string;
  const search = async (q: string) =>
    names(
      (await s.http().get(`${FLEET}/hosts`).query({ query: q, order_key: 'host_name' }).set('Authorization', `Bearer ${token}`))
        .body,
    );

  beforeAll(async () => {
    s = await startTestApp();
    token = (await s.setup()).token;
    await enrollHost(s, { hostname: '2ceca32fe484', details: { uuid: 'AAAA-1111', hardware_serial: 'SER-XYZ', primary_ip: '192.168.1.10' } });
    await enrollHost(s, { hostname: 'web-01.example.com', details: { uuid: 'BBBB-2222', hardware_serial: 'C02ABC', primary_ip: '10.1.2.3' } });
    await enrollHost(s, { hostname: 'pct%host', details: { uuid: 'CCCC-3333', primary_ip: '10.9.9.9' } });
    await enrollHost(s, { hostname: 'under_score', details: { uuid: 'DDDD-4444', primary_ip: '10.8.8.8' } });
  });
  afterAll(() => s.close());

  test('§18.33: hostname prefix and substring, case-insensitive', async () => {
    expect(await search('2ce')).toEqual(['2ceca32fe484']);
    expect(await search('EXAMPLE')).toEqual(['web-01.example.com']);
    expect(await search('fe48')).toEqual(['2ceca32fe484']);
  });

  test('uuid, hardware serial and primary IP match too', async () => {
    expect(await search('bbbb-2222')).toEqual(['web-01.example.com']);
    expect(await search('SER-X')).toEqual(['2ceca32fe484']);
    expect(await search('192.168.1')).toEqual(['2ceca32fe484']);
    expect(await search('10.')).toEqual(['pct%host', 'under_score', 'web-01.example.com']);
  });

  test('% and _ are literal characters, not wildcards', async () => {
    expect(await search('%')).toEqual(['pct%host']);
    expect(await search('_')).toEqual(['under_score']);
    expect(await search('t%h')).toEqual(['pct%host']);
    expect(await search('r_s')).toEqual(['under_score']);
  });

  test('node keys and osquery identifiers are never searched; no match → []', async () => {
    const res = await s.http().get(`${FLEET}/hosts?query=osquery-id`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hosts: [] });
    expect(await search('nothing-like-this')).toEqual([]);
  });

  test('an empty query is no filter; a huge one is a 422', async () => {
    expect(await search('')).toHaveLength(4);
    const res = await s.http().get(`${FLEET}/hosts`).query({ query: 'x'.repeat(5000) }).set('Authorization', `Bearer ${token}`);
    validation(res, [{ name: 'query', reason: 'is too long' }]);
  });
});

describe('ordering and paging (own app)', () => {
  let s: TestApp;
  let token: string;
  const sget = (path: string) => s.http().get(`${FLEET}${path}`).set('Authorization', `Bearer ${token}`);
  const all = Array.from({ length: 25 }, (_, i) => `h${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    s = await startTestApp();
    token = (await s.setup()).token;
    // Enrolled in reverse name order so id order and name order differ.
    for (const name of [...all].reverse()) await enrollHost(s, { hostname: name });
  });
  afterAll(() => s.close());

  test('per_page absent returns every host; page without per_page means 20 per page', async () => {
    expect((await sget('/hosts')).body.hosts).toHaveLength(25);
    expect(names((await sget('/hosts?page=1&order_key=host_name')).body)).toEqual(all.slice(20));
    expect(names((await sget('/hosts?page=0&order_key=host_name')).body)).toEqual(all.slice(0, 20));
  });

  test('order_key and order_direction, with per_page', async () => {
    expect(names((await sget('/hosts?order_key=host_name&per_page=3')).body)).toEqual(all.slice(0, 3));
    expect(names((await sget('/hosts?order_key=hostname&order_direction=desc&per_page=3')).body)).toEqual(
      [...all].reverse().slice(0, 3),
    );
    expect(names((await sget('/hosts?order_key=host_name&page=2&per_page=10')).body)).toEqual(all.slice(20));
    expect(names((await sget('/hosts?order_key=host_name&page=9&per_page=10')).body)).toEqual([]);
    const byId = (await sget('/hosts?order_key=id')).body.hosts.map((h: { id: number }) => h.id);
    expect(byId).toEqual([...byId].sort((a, b) => a - b));
    expect(names((await sget('/hosts?order_key=id&per_page=1')).body)).toEqual(['h24']);
  });

  test('bad list options are 4xx; secret columns are not sortable', async () => {
    for (const key of ['node_key', 'node_key_hash', 'osquery_host_id', 'host_name;drop', 'nope']) {
      validation(await sget(`/hosts?order_key=${encodeURIComponent(key)}`), [{ name: 'order_key', reason: /^order_key is not one of: / }]);
    }
    validation(await sget('/hosts?order_direction=desc'), [
      { name: 'order_key', reason: 'order_key must be specified with order_direction' },
    ]);
    validation(await sget('/hosts?order_key=id&order_direction=up'), [
      { name: 'order_direction', reason: 'unknown order_direction: up' },
    ]);
    badRequest(await sget('/hosts?page=abc'));
    badRequest(await sget('/hosts?page=-1'));
    badRequest(await sget('/hosts?per_page=x'));
    expect((await sget('/hosts?per_page=0')).status).toBe(422);
  });
});

describe('additional_info_filters', () => {
  test('each host’s additional holds exactly the requested keys, null when missing', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      await enrollHost(s, { hostname: 'a-with', details: { additional: { owner: 'ops', rack: 4, extra: true } } });
      await enrollHost(s, { hostname: 'b-without' });
      const list = async (q: string) =>
        (await s.http().get(`${FLEET}/hosts?order_key=host_name${q}`).set('Authorization', `Bearer ${token}`)).body.hosts;
      const filtered = await list('&additional_info_filters=owner,missing');
      expect(filtered.map((h: { additional: unknown }) => h.additional)).toEqual([
        { owner: 'ops', missing: null },
        { owner: null, missing: null },
      ]);
      expect(Object.keys(filtered[0])).toEqual(HOST_KEYS_WITH_ADDITIONAL);
      const full = await list('');
      expect(full[0].additional).toEqual({ owner: 'ops', rack: 4, extra: true });
      expect(full[1]).not.toHaveProperty('additional');
      expect((await list('&additional_info_filters='))[0].additional).toEqual({ owner: 'ops', rack: 4, extra: true });
      const tooMany = Array.from({ length: 101 }, (_, i) => `k${i}`).join(',');
      const res = await s.http().get(`${FLEET}/hosts?additional_info_filters=${tooMany}`).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(422);
    } finally {
      await s.close();
    }
  });
});

describe('GET /hosts/identifier/{identifier}', () => {
  test('matches hostname, osquery identifier and uuid (case-insensitive), never the node key', async () => {
    const e = await enrollHost(t, { hostname: 'Ident-Host', details: { uuid: 'UUID-IDENT-1' } });
    for (const id of ['Ident-Host', 'ident-host', e.osqueryHostId, 'uuid-ident-1']) {
      const res = await get(`/hosts/identifier/${encodeURIComponent(id)}`);
      expect({ id, status: res.status, host: res.body.host?.id }).toEqual({ id, status: 200, host: e.host.id });
    }
    notFound(await get(`/hosts/identifier/${encodeURIComponent(e.nodeKey)}`), `Host ${e.nodeKey} was not found in the datastore`);
    notFound(await get(`/hosts/identifier/${e.host.id}`), `Host ${e.host.id} was not found in the datastore`);
    notFound(await get('/hosts/identifier/no-such-host'), 'Host no-such-host was not found in the datastore');
    const long = await get(`/hosts/identifier/${'y'.repeat(3000)}`);
    expect(long.status).toBe(404);
    expect(long.body.errors[0].reason.length).toBeLessThan(200);
  });

  test('includes the host’s labels as Label objects; omits the key when there are none', async () => {
    const e = await enrollHost(t, { hostname: 'labelled-host' });
    const allHosts = (await t.ds.labelByName('All Hosts'))!;
    const custom = await t.services.labels.newLabel({ name: 'ident-label', query: 'select 1', description: 'd' });
    await setMembership(t, e.host.id, custom.id, true);
    const res = await get('/hosts/identifier/labelled-host');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.host)).toEqual([...HOST_KEYS, 'labels']);
    const labels = res.body.host.labels as Array<Record<string, unknown>>;
    expect(labels.map((l) => l.name).sort()).toEqual(['All Hosts', 'ident-label']);
    const mine = labels.find((l) => l.name === 'ident-label')!;
    expect(Object.keys(mine)).toEqual([
      'created_at',
      'updated_at',
      'id',
      'name',
      'description',
      'query',
      'label_type',
      'label_membership_type',
    ]);
    expect(mine).toMatchObject({ id: custom.id, query: 'select 1', label_type: 'regular', label_membership_type: 'dynamic' });
    expect(mine).not.toHaveProperty('display_text');

    await setMembership(t, e.host.id, custom.id, false);
    await setMembership(t, e.host.id, allHosts.id, false);
    const bare = await get('/hosts/identifier/labelled-host');
    expect(bare.status).toBe(200);
    expect(bare.body.host).not.toHaveProperty('labels');
    expect(Object.keys(bare.body.host)).toEqual(HOST_KEYS);
  });
});

describe('DELETE /hosts/{id}', () => {
  test('deletes the host, revokes its node key at once, and answers {}', async () => {
    const e = await enrollHost(t, { hostname: 'doomed' });
    const events: InvalidationEvent[] = [];
    const unsubscribe = t.bus.subscribe((ev) => events.push(ev));
    try {
      const res = await asAdmin(t.http().delete(`${FLEET}/hosts/${e.host.id}`));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expect(events).toContainEqual({ kind: 'node-key-revoked', nodeKeyHash: e.nodeKeyHash });
    } finally {
      unsubscribe();
    }
    notFound(await get(`/hosts/${e.host.id}`), `Host ${e.host.id} was not found in the datastore`);
    expect(await t.ds.hostByNodeKeyHash(e.nodeKeyHash)).toBeNull();
    expect(names((await get('/hosts?query=doomed')).body)).toEqual([]);
    notFound(await asAdmin(t.http().delete(`${FLEET}/hosts/${e.host.id}`)), `Host ${e.host.id} was not found in the datastore`);
  });

  test('a non-admin may delete; bad ids are 400; unknown 404', async () => {
    const e = await enrollHost(t);
    const res = await t.http().delete(`${KOLIDE}/hosts/${e.host.id}`).set('Authorization', `Bearer ${callers.tokens.user}`);
    expect(res.status).toBe(200);
    badRequest(await asAdmin(t.http().delete(`${FLEET}/hosts/abc`)));
    notFound(await asAdmin(t.http().delete(`${FLEET}/hosts/424242`)), 'Host 424242 was not found in the datastore');
  });

  test('a deleted host leaves its labels’ counts', async () => {
    const label = await t.services.labels.newLabel({ name: 'del-count', query: 'select 1' });
    const e = await enrollHost(t);
    await setMembership(t, e.host.id, label.id, true);
    expect((await get(`/labels/${label.id}`)).body.label.count).toBe(1);
    await asAdmin(t.http().delete(`${FLEET}/hosts/${e.host.id}`));
    expect((await get(`/labels/${label.id}`)).body.label.count).toBe(0);
  });
});

describe('methods', () => {
  test('a known path with another method is a 405 with an empty body', async () => {
    const res = await asAdmin(t.http().post(`${FLEET}/host_summary`).send({}));
    expect(res.status).toBe(405);
    expect(res.text).toBe('');
  });
});
