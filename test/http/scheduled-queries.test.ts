import { expectAuthMatrix, matrixFor } from '../support/auth-matrix';
import { FLEET, KOLIDE, badRequest, expectError, notFound, validation } from './helpers';
import { enrollHost } from './host-fixtures';
import { type AdminApp, keysWithout, SCHEDULED_KEYS, TIME, useAdminApp } from './query-fixtures';

let { t, callers, c, ev } = {} as AdminApp;
useAdminApp((app) => ({ t, callers, c, ev } = app));

const INTERVAL = 'must be an integer from 1 to 604800 (seconds)';
const SHARD = 'must be an integer from 0 to 100';
const PLATFORM = 'must be empty or a comma-separated list of lowercase platform names (osquery knows darwin, freebsd, linux, posix, windows, ubuntu, centos, any, all)';
const VERSION = 'must be empty or an osquery version like 4.6.0';
const UNSET_OMITTED = ['description', 'platform', 'version'];

/** A pack and a query; the events their creation published are forgotten. */
async function fixture() {
  const pack = await c.newPack();
  const query = await c.newQuery({ query: 'select * from osquery_info;' });
  ev.reset();
  return { pack, query };
}

describe('authorization', () => {
  test('every schedule route is open to any logged-in user, on both prefixes', async () => {
    const { pack, query } = await fixture();
    const sq = await c.schedule(pack.id, query.id);
    const m = matrixFor('auth');
    for (const prefix of [FLEET, KOLIDE]) {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/packs/${pack.id}/scheduled`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/schedule/${sq.id}`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().post(`${prefix}/schedule`).send({ pack_id: pack.id, query_id: query.id, interval: 30 })), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().patch(`${prefix}/schedule/${sq.id}`).send({ interval: 90 })), m);
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await c.schedule(pack.id, query.id);
          return auth(t.http().delete(`${prefix}/schedule/${fresh.id}`));
        },
        m,
      );
    }
  });
});

describe('POST /schedule', () => {
  test('schedules a query: Fleet’s shape, unset options null or omitted; tells the agents', async () => {
    const { pack, query } = await fixture();
    const res = await c.post('/schedule', { pack_id: pack.id, query_id: query.id, interval: 3600 });
    expect(res.status).toBe(200);
    const s = res.body.scheduled;
    expect(Object.keys(s)).toEqual(keysWithout(SCHEDULED_KEYS, UNSET_OMITTED));
    expect(s).toMatchObject({
      pack_id: pack.id,
      name: query.name,
      query_id: query.id,
      query_name: query.name,
      query: 'select * from osquery_info;',
      interval: 3600,
      snapshot: null,
      removed: null,
      shard: null,
      denylist: null,
    });
    expect(s.created_at).toMatch(TIME);
    expect(ev.configChanges()).toBe(1);
    expect((await c.get(`/packs/${pack.id}`)).body.pack.query_count).toBe(1);
  });

  test('every option is stored and shown', async () => {
    const { pack, query } = await fixture();
    const res = await c.post('/schedule', {
      pack_id: pack.id,
      query_id: query.id,
      interval: 604_800,
      snapshot: true,
      removed: false,
      platform: 'darwin,linux',
      version: '4.6.0',
      shard: 0,
      denylist: false,
      description: 'weekly',
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.scheduled)).toEqual(SCHEDULED_KEYS);
    expect(res.body.scheduled).toMatchObject({
      interval: 604_800,
      snapshot: true,
      removed: false,
      platform: 'darwin,linux',
      version: '4.6.0',
      shard: 0,
      denylist: false,
      description: 'weekly',
    });
    const got = await c.get(`/schedule/${res.body.scheduled.id}`);
    expect(got.body.scheduled).toEqual({ ...res.body.scheduled, created_at: got.body.scheduled.created_at, updated_at: got.body.scheduled.updated_at });
  });

  test('§18.46: scheduling a query twice in one pack names them q, q-1, q-1-1', async () => {
    const { pack, query } = await fixture();
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await c.schedule(pack.id, query.id)).name);
    expect(names).toEqual([query.name, `${query.name}-1`, `${query.name}-1-1`]);
    const other = await c.newPack();
    expect((await c.schedule(other.id, query.id)).name).toBe(query.name);
  });

  test('interval is required, an integer from 1 to 604800 (policy: 422)', async () => {
    const { pack, query } = await fixture();
    const body = { pack_id: pack.id, query_id: query.id };
    validation(await c.post('/schedule', body), [{ name: 'interval', reason: 'missing required argument' }]);
    validation(await c.post('/schedule', { ...body, interval: null }), [{ name: 'interval', reason: 'missing required argument' }]);
    for (const interval of [0, -5, 604_801, 1e300]) {
      validation(await c.post('/schedule', { ...body, interval }), [{ name: 'interval', reason: interval === 1e300 ? 'is out of range' : INTERVAL }]);
    }
    for (const interval of [1.5, '60', true, [60]]) {
      validation(await c.post('/schedule', { ...body, interval }), [{ name: 'interval', reason: 'must be an integer' }]);
    }
    expect((await c.get(`/packs/${pack.id}`)).body.pack.query_count).toBe(0);
    expect(ev.configChanges()).toBe(0);
  });

  test('shard 0–100, osquery platform names, versions like 4.6.0; all failures reported', async () => {
    const { pack, query } = await fixture();
    const body = { pack_id: pack.id, query_id: query.id, interval: 60 };
    validation(await c.post('/schedule', { ...body, shard: 101, platform: 'Mac OS', version: 'latest' }), [
      { name: 'shard', reason: SHARD },
      { name: 'platform', reason: PLATFORM },
      { name: 'version', reason: VERSION },
    ]);
    validation(await c.post('/schedule', { ...body, shard: -1 }), [{ name: 'shard', reason: SHARD }]);
    validation(await c.post('/schedule', { ...body, shard: 'x' }), [{ name: 'shard', reason: 'must be an integer, a numeric string or ""' }]);
    validation(await c.post('/schedule', { ...body, snapshot: 'yes', removed: 1, denylist: 'no' }), [
      { name: 'snapshot', reason: 'must be a boolean' },
      { name: 'removed', reason: 'must be a boolean' },
      { name: 'denylist', reason: 'must be a boolean' },
    ]);
    validation(await c.post('/schedule', { ...body, platform: 5 }), [{ name: 'platform', reason: 'must be a string' }]);
    const ok = await c.post('/schedule', { ...body, shard: '25', platform: '', version: '' });
    expect(ok.status).toBe(200);
    expect(ok.body.scheduled).toMatchObject({ shard: 25 });
    expect(Object.keys(ok.body.scheduled)).toEqual(keysWithout(SCHEDULED_KEYS, UNSET_OMITTED));
  });

  test('pack_id and query_id are required positive ids; unknown ones are 404', async () => {
    const { pack, query } = await fixture();
    validation(await c.post('/schedule', { interval: 60 }), [
      { name: 'pack_id', reason: 'missing required argument' },
      { name: 'query_id', reason: 'missing required argument' },
    ]);
    validation(await c.post('/schedule', { pack_id: 0, query_id: 'x', interval: 60 }), [
      { name: 'pack_id', reason: 'must be a positive integer' },
      { name: 'query_id', reason: 'must be a positive integer' },
    ]);
    notFound(await c.post('/schedule', { pack_id: 999_999, query_id: query.id, interval: 60 }), 'Pack 999999 was not found in the datastore');
    notFound(await c.post('/schedule', { pack_id: pack.id, query_id: 999_999, interval: 60 }), 'Query 999999 was not found in the datastore');
    badRequest(await c.post('/schedule', [pack.id]));
    badRequest(await c.raw('post', '/schedule', '{"pack_id": 1,}'));
    expect(ev.configChanges()).toBe(0);
  });
});

describe('GET /schedule/{id}', () => {
  test('unknown → 404 `scheduled_queries <id> …`; bad id 400', async () => {
    notFound(await c.get('/schedule/999999'), 'scheduled_queries 999999 was not found in the datastore');
    badRequest(await c.get('/schedule/abc'));
  });
});

describe('PATCH /schedule/{id}', () => {
  test('§18.47: shard "" clears, null or absent keeps, "7" or 7 sets', async () => {
    const { pack, query } = await fixture();
    const sq = await c.schedule(pack.id, query.id, { shard: 10 });
    const shard = async (body: Record<string, unknown>) => {
      const res = await c.patch(`/schedule/${sq.id}`, body);
      expect(res.status).toBe(200);
      return res.body.scheduled.shard as number | null;
    };
    expect(await shard({ interval: 120 })).toBe(10);
    expect(await shard({ shard: null })).toBe(10);
    expect(await shard({ shard: '7' })).toBe(7);
    expect(await shard({ shard: 42 })).toBe(42);
    expect(await shard({ shard: '' })).toBeNull();
    expect(await shard({})).toBeNull();
    expect(await shard({ shard: 0 })).toBe(0);
    expect((await c.get(`/schedule/${sq.id}`)).body.scheduled).toMatchObject({ shard: 0, interval: 120 });
  });

  test('changes the options; absent or null keeps them; tells the agents', async () => {
    const { pack, query } = await fixture();
    const sq = await c.schedule(pack.id, query.id, { snapshot: true, platform: 'linux', version: '4.0.0' });
    ev.reset();
    const res = await c.patch(`/schedule/${sq.id}`, { interval: 86_400, removed: false, denylist: true, platform: 'windows', snapshot: null });
    expect(res.status).toBe(200);
    expect(res.body.scheduled).toMatchObject({
      id: sq.id,
      name: sq.name,
      interval: 86_400,
      snapshot: true,
      removed: false,
      denylist: true,
      platform: 'windows',
      version: '4.0.0',
    });
    expect(ev.configChanges()).toBe(1);
    const cleared = await c.patch(`/schedule/${sq.id}`, { platform: '', version: '' });
    expect(Object.keys(cleared.body.scheduled)).toEqual(keysWithout(SCHEDULED_KEYS, UNSET_OMITTED));
  });

  test('moves to another pack; an unknown pack is 404', async () => {
    const { pack, query } = await fixture();
    const target = await c.newPack();
    const sq = await c.schedule(pack.id, query.id);
    const res = await c.patch(`/schedule/${sq.id}`, { pack_id: target.id });
    expect(res.status).toBe(200);
    expect(res.body.scheduled).toMatchObject({ id: sq.id, pack_id: target.id });
    expect((await c.get(`/packs/${pack.id}`)).body.pack.query_count).toBe(0);
    expect((await c.get(`/packs/${target.id}`)).body.pack.query_count).toBe(1);
    notFound(await c.patch(`/schedule/${sq.id}`, { pack_id: 999_999 }), 'Pack 999999 was not found in the datastore');
    expect((await c.get(`/schedule/${sq.id}`)).body.scheduled.pack_id).toBe(target.id);
    // A pack already holding a scheduled query of that name cannot take another: 409.
    const clash = await c.schedule(pack.id, query.id);
    expect(clash.name).toBe(sq.name);
    expectError(await c.patch(`/schedule/${clash.id}`, { pack_id: target.id }), 409, 'Resource Already Exists', [
      { name: 'base', reason: /already exists in the datastore$/ },
    ]);
    expect((await c.get(`/schedule/${clash.id}`)).body.scheduled.pack_id).toBe(pack.id);
  });

  test('query_id may be repeated but not changed (Fleet ignored it silently)', async () => {
    const { pack, query } = await fixture();
    const other = await c.newQuery();
    const sq = await c.schedule(pack.id, query.id);
    expect((await c.patch(`/schedule/${sq.id}`, { query_id: query.id, interval: 61 })).status).toBe(200);
    validation(await c.patch(`/schedule/${sq.id}`, { query_id: other.id }), [
      { name: 'query_id', reason: 'cannot be changed: schedule the other query instead' },
    ]);
    expect((await c.get(`/schedule/${sq.id}`)).body.scheduled).toMatchObject({ query_id: query.id, interval: 61 });
  });

  test('the same validation as POST; unknown 404; bad input 4xx', async () => {
    const { pack, query } = await fixture();
    const sq = await c.schedule(pack.id, query.id);
    ev.reset();
    validation(await c.patch(`/schedule/${sq.id}`, { interval: 0 }), [{ name: 'interval', reason: INTERVAL }]);
    validation(await c.patch(`/schedule/${sq.id}`, { interval: 604_801, shard: 101, platform: 'OS/2', version: '4.x' }), [
      { name: 'interval', reason: INTERVAL },
      { name: 'shard', reason: SHARD },
      { name: 'platform', reason: PLATFORM },
      { name: 'version', reason: VERSION },
    ]);
    validation(await c.patch(`/schedule/${sq.id}`, { shard: 'abc' }), [{ name: 'shard', reason: 'must be an integer, a numeric string or ""' }]);
    validation(await c.patch(`/schedule/${sq.id}`, { shard: '-3' }), [{ name: 'shard', reason: 'must be an integer, a numeric string or ""' }]);
    validation(await c.patch(`/schedule/${sq.id}`, { shard: true }), [{ name: 'shard', reason: 'must be an integer, a numeric string or ""' }]);
    validation(await c.patch(`/schedule/${sq.id}`, { pack_id: 'x' }), [{ name: 'pack_id', reason: 'must be a positive integer' }]);
    validation(await c.patch(`/schedule/${sq.id}`, { snapshot: 'true' }), [{ name: 'snapshot', reason: 'must be a boolean' }]);
    notFound(await c.patch('/schedule/999999', { interval: 60 }), 'scheduled_queries 999999 was not found in the datastore');
    badRequest(await c.patch('/schedule/abc', { interval: 60 }));
    badRequest(await c.patch(`/schedule/${sq.id}`, 'x'));
    badRequest(await c.raw('patch', `/schedule/${sq.id}`, '{"platform": "",}'));
    expect((await c.get(`/schedule/${sq.id}`)).body.scheduled.interval).toBe(60);
    expect(ev.configChanges()).toBe(0);
  });
});

describe('DELETE /schedule/{id}', () => {
  test('deletes; unknown → 404 `scheduled_queries <id> …`; bad id 400', async () => {
    const { pack, query } = await fixture();
    const sq = await c.schedule(pack.id, query.id);
    ev.reset();
    const res = await c.del(`/schedule/${sq.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(1);
    notFound(await c.del(`/schedule/${sq.id}`), `scheduled_queries ${sq.id} was not found in the datastore`);
    badRequest(await c.del('/schedule/abc'));
    expect((await c.get(`/packs/${pack.id}`)).body.pack.query_count).toBe(0);
    expect((await c.get(`/queries/${query.id}`)).body.query.packs).toEqual([]);
    expect(ev.configChanges()).toBe(1);
  });
});

describe('GET /packs/{id}/scheduled', () => {
  test('the pack’s scheduled queries with their queries’ SQL; order_key and paging', async () => {
    const { pack } = await fixture();
    const a = await c.newQuery({ name: c.unique('a'), query: 'select 1' });
    const b = await c.newQuery({ name: c.unique('b'), query: 'select 2' });
    const s1 = await c.schedule(pack.id, b.id, { interval: 30 });
    const s2 = await c.schedule(pack.id, a.id, { interval: 10, snapshot: true });
    const res = await c.get(`/packs/${pack.id}/scheduled`);
    expect(res.status).toBe(200);
    const list = res.body.scheduled as Array<Record<string, unknown>>;
    expect(list.map((s) => s.id)).toEqual([s1.id, s2.id]);
    expect(Object.keys(list[0]!)).toEqual(keysWithout(SCHEDULED_KEYS, UNSET_OMITTED));
    expect(list[1]).toMatchObject({ query_name: a.name, query: 'select 1', interval: 10, snapshot: true, pack_id: pack.id });
    const byInterval = (await c.get(`/packs/${pack.id}/scheduled?order_key=interval`)).body.scheduled as Array<{ id: number }>;
    expect(byInterval.map((s) => s.id)).toEqual([s2.id, s1.id]);
    const page = (await c.get(`/packs/${pack.id}/scheduled?order_key=id&order_direction=desc&per_page=1`)).body.scheduled as Array<{ id: number }>;
    expect(page.map((s) => s.id)).toEqual([s2.id]);
    // A deleted query takes its scheduled queries with it.
    expect((await c.del(`/queries/id/${b.id}`)).status).toBe(200);
    expect((await c.get(`/packs/${pack.id}/scheduled`)).body.scheduled.map((s: { id: number }) => s.id)).toEqual([s2.id]);
    const empty = await c.newPack();
    expect((await c.get(`/packs/${empty.id}/scheduled`)).body).toEqual({ scheduled: [] });
  });

  test('unknown pack → 404 (Fleet: []); bad input 4xx', async () => {
    notFound(await c.get('/packs/999999/scheduled'), 'Pack 999999 was not found in the datastore');
    badRequest(await c.get('/packs/abc/scheduled'));
    const { pack } = await fixture();
    validation(await c.get(`/packs/${pack.id}/scheduled?order_key=query`), [{ name: 'order_key', reason: /^order_key is not one of: / }]);
  });
});

describe('agents', () => {
  test('a host gets pack, schedule and query changes in its very next config', async () => {
    const host = await enrollHost(t);
    const config = async () => {
      const res = await t.agent().post('/api/v1/osquery/config').send({ node_key: host.nodeKey });
      expect(res.status).toBe(200);
      return (res.body.packs ?? {}) as Record<string, { queries: Record<string, Record<string, unknown>> }>;
    };
    const { pack, query } = await fixture();
    expect(await config()).not.toHaveProperty([pack.name]);
    expect((await c.patch(`/packs/${pack.id}`, { host_ids: [host.host.id] })).status).toBe(200);
    const sq = await c.schedule(pack.id, query.id, { interval: 300 });
    expect((await config())[pack.name]!.queries[sq.name]).toMatchObject({ query: 'select * from osquery_info;', interval: 300 });
    expect((await c.patch(`/schedule/${sq.id}`, { interval: 900 })).status).toBe(200);
    expect((await config())[pack.name]!.queries[sq.name]).toMatchObject({ interval: 900 });
    expect((await c.patch(`/queries/${query.id}`, { query: 'select 2;' })).status).toBe(200);
    expect((await config())[pack.name]!.queries[sq.name]).toMatchObject({ query: 'select 2;' });
    expect((await c.del(`/schedule/${sq.id}`)).status).toBe(200);
    expect((await config())[pack.name]?.queries ?? {}).toEqual({});
    expect((await c.del(`/packs/id/${pack.id}`)).status).toBe(200);
    expect(await config()).not.toHaveProperty([pack.name]);
  });
});
