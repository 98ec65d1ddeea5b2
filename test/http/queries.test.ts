import { expectAuthMatrix, matrixFor } from '../support/auth-matrix';
import { startTestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, expectError, notFound, validation } from './helpers';
import { type AdminApp, keysWithout, PACK_KEYS, QUERY_KEYS, queryPackClient, TIME, useAdminApp } from './query-fixtures';

let { t, adminId, callers, c, ev } = {} as AdminApp;
useAdminApp((app) => ({ t, adminId, callers, c, ev } = app));

const ATTACH = 'ATTACH not allowed in queries';

describe('authorization', () => {
  test('every query route is open to any logged-in user, on both prefixes', async () => {
    const q = await c.newQuery();
    const m = matrixFor('auth');
    for (const prefix of [FLEET, KOLIDE]) {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/queries`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/queries/${q.id}`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().post(`${prefix}/queries`).send({ name: c.unique('authz'), query: 'select 1' })), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().patch(`${prefix}/queries/${q.id}`).send({ description: c.unique('d') })), m);
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await c.newQuery();
          return auth(t.http().delete(`${prefix}/queries/${encodeURIComponent(fresh.name)}`));
        },
        m,
      );
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await c.newQuery();
          return auth(t.http().delete(`${prefix}/queries/id/${fresh.id}`));
        },
        m,
      );
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await c.newQuery();
          return auth(t.http().post(`${prefix}/queries/delete`).send({ ids: [fresh.id] }));
        },
        m,
      );
    }
  });

  test('the caller becomes the author', async () => {
    const res = await t
      .http()
      .post(`${FLEET}/queries`)
      .set('Authorization', `Bearer ${callers.tokens.user}`)
      .send({ name: c.unique('by-user'), query: 'select 1' });
    expect(res.status).toBe(200);
    expect(res.body.query.author_id).toBe(callers.ids.user);
    const got = await c.get(`/queries/${res.body.query.id}`);
    expect(got.body.query.author_id).toBe(callers.ids.user);
    expect(got.body.query.author_name).not.toBe('');
  });
});

describe('POST /queries', () => {
  test('creates a saved query authored by the caller, with packs [] and tells the agents', async () => {
    const res = await c.post('/queries', { name: 'osquery info', description: 'Heartbeat', query: 'select * from osquery_info;' });
    expect(res.status).toBe(200);
    const q = res.body.query;
    expect(Object.keys(q)).toEqual(QUERY_KEYS);
    expect(q).toMatchObject({
      name: 'osquery info',
      description: 'Heartbeat',
      query: 'select * from osquery_info;',
      saved: true,
      author_id: adminId,
      author_name: 'Admin',
      packs: [],
    });
    expect(q.created_at).toMatch(TIME);
    expect(ev.configChanges()).toBe(1);
    const got = await c.get(`/queries/${q.id}`);
    expect(got.body.query).toMatchObject({ id: q.id, name: 'osquery info', author_id: adminId, author_name: 'Admin', saved: true });
  });

  test('description is optional (stored as "")', async () => {
    const res = await c.post('/queries', { name: c.unique('nodesc'), query: 'select 1' });
    expect(res.status).toBe(200);
    expect(res.body.query.description).toBe('');
  });

  test('name and query are required and non-empty (policy: 422)', async () => {
    validation(await c.post('/queries', {}), [
      { name: 'name', reason: 'missing required argument' },
      { name: 'query', reason: 'missing required argument' },
    ]);
    validation(await c.post('/queries', { name: 'x' }), [{ name: 'query', reason: 'missing required argument' }]);
    validation(await c.post('/queries', { query: 'select 1' }), [{ name: 'name', reason: 'missing required argument' }]);
    validation(await c.post('/queries', { name: '', query: '' }), [
      { name: 'name', reason: 'cannot be empty' },
      { name: 'query', reason: 'cannot be empty' },
    ]);
    validation(await c.post('/queries', { name: null, query: 'select 1' }), [{ name: 'name', reason: 'missing required argument' }]);
    expect(ev.configChanges()).toBe(0);
  });

  test('[3.5.1+] SQL that ATTACHes a database is refused', async () => {
    validation(await c.post('/queries', { name: c.unique('evil'), query: "ATTACH DATABASE '/etc/x' AS x;" }), [{ name: 'query', reason: ATTACH }]);
    validation(await c.post('/queries', { name: c.unique('evil'), query: "select 1;\nattach '/x'\n\nas y" }), [{ name: 'query', reason: ATTACH }]);
  });

  test('§18.42: a taken name (any case) is a 409', async () => {
    const name = c.unique('dupe');
    await c.newQuery({ name });
    for (const again of [name, name.toUpperCase()]) {
      expectError(await c.post('/queries', { name: again, query: 'select 2' }), 409, 'Resource Already Exists', [
        { name: 'base', reason: /^Query .+ already exists in the datastore$/ },
      ]);
    }
  });

  test('wrong types and sizes are 422; a body that is not an object is 400', async () => {
    validation(await c.post('/queries', { name: 5, query: 'select 1' }), [{ name: 'name', reason: 'must be a string' }]);
    validation(await c.post('/queries', { name: 'x', query: ['select 1'] }), [{ name: 'query', reason: 'must be a string' }]);
    validation(await c.post('/queries', { name: 'x', query: 'q', description: {} }), [{ name: 'description', reason: 'must be a string' }]);
    validation(await c.post('/queries', { name: 'x'.repeat(256), query: 'q' }), [{ name: 'name', reason: 'is too long' }]);
    validation(await c.post('/queries', { name: 'x', query: 'q'.repeat(65_537) }), [{ name: 'query', reason: 'is too long' }]);
    validation(await c.post('/queries', { name: 'x', query: 'q', description: HUGE }), [{ name: 'description', reason: 'is too long' }]);
    badRequest(await c.post('/queries', []));
    badRequest(await c.post('/queries', 'name'));
    badRequest(await c.raw('post', '/queries', '{"name": "x" "query": "y"}'));
    badRequest(await c.raw('post', '/queries', 'null'));
    expect(ev.configChanges()).toBe(0);
  });
});

describe('GET /queries/{id}', () => {
  test('lists one pack entry per scheduled query; packs omit empty fields', async () => {
    const q = await c.newQuery();
    const plain = await c.newPack();
    const rich = await c.newPack({ description: 'about', platform: 'darwin', disabled: true });
    await c.schedule(plain.id, q.id);
    await c.schedule(plain.id, q.id);
    await c.schedule(rich.id, q.id);
    const res = await c.get(`/queries/${q.id}`);
    expect(res.status).toBe(200);
    const packs = res.body.query.packs as Array<Record<string, unknown>>;
    expect(packs.map((p) => p.id).sort()).toEqual([plain.id, plain.id, rich.id].sort());
    const p = packs.find((x) => x.id === plain.id)!;
    expect(Object.keys(p)).toEqual(keysWithout(PACK_KEYS, ['description', 'platform', 'disabled']));
    const r = packs.find((x) => x.id === rich.id)!;
    expect(Object.keys(r)).toEqual(PACK_KEYS);
    expect(r).toMatchObject({ description: 'about', platform: 'darwin', disabled: true });
  });

  test('an ad-hoc (unsaved) query is reachable by id with saved:false', async () => {
    const adhoc = await t.ds.newQuery({ name: c.unique('distributed_admin'), description: '', query: 'select 1', saved: false, author_id: adminId });
    const res = await c.get(`/queries/${adhoc.id}`);
    expect(res.status).toBe(200);
    expect(res.body.query).toMatchObject({ id: adhoc.id, saved: false, author_name: 'Admin', packs: [] });
  });

  test('unknown → 404; bad id → 400', async () => {
    notFound(await c.get('/queries/999999'), 'Query 999999 was not found in the datastore');
    badRequest(await c.get('/queries/abc'));
    badRequest(await c.get('/queries/-1'));
    badRequest(await c.get('/queries/99999999999'));
  });
});

describe('GET /queries', () => {
  test('saved queries only, with their packs; order_key and paging', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      const sc = queryPackClient(s, () => token);
      expect((await sc.get('/queries')).body).toEqual({ queries: [] });
      const b = await sc.newQuery({ name: 'b-query' });
      const a = await sc.newQuery({ name: 'a-query' });
      await s.ds.newQuery({ name: 'adhoc', description: '', query: 'select 1', saved: false, author_id: null });
      const pack = await sc.newPack();
      await sc.schedule(pack.id, a.id);
      const all = (await sc.get('/queries')).body.queries as Array<Record<string, unknown>>;
      expect(all.map((q) => q.name)).toEqual(['b-query', 'a-query']);
      expect(Object.keys(all[0]!)).toEqual(QUERY_KEYS);
      expect((all[1]!.packs as Array<{ id: number }>).map((p) => p.id)).toEqual([pack.id]);
      expect(all[0]!.packs).toEqual([]);
      const byName = (await sc.get('/queries?order_key=name')).body.queries as Array<{ name: string }>;
      expect(byName.map((q) => q.name)).toEqual(['a-query', 'b-query']);
      const desc = (await sc.get('/queries?order_key=id&order_direction=desc&per_page=1')).body.queries as Array<{ id: number }>;
      expect(desc.map((q) => q.id)).toEqual([a.id]);
      const page1 = (await sc.get('/queries?order_key=id&page=1&per_page=1')).body.queries as Array<{ id: number }>;
      expect(page1.map((q) => q.id)).toEqual([a.id]);
      expect(b.id).toBeLessThan(a.id);
    } finally {
      await s.close();
    }
  });

  test('bad list options are 4xx', async () => {
    validation(await c.get('/queries?order_key=query;drop'), [{ name: 'order_key', reason: /^order_key is not one of: / }]);
    validation(await c.get('/queries?order_key=author_name'), [{ name: 'order_key', reason: /^order_key is not one of: / }]);
    validation(await c.get('/queries?order_direction=desc'), [{ name: 'order_key', reason: 'order_key must be specified with order_direction' }]);
    validation(await c.get('/queries?order_key=name&order_direction=up'), [{ name: 'order_direction', reason: 'unknown order_direction: up' }]);
    badRequest(await c.get('/queries?page=x'));
    badRequest(await c.get('/queries?per_page=-1'));
  });
});

describe('PATCH /queries/{id}', () => {
  test('changes name, description and SQL; the author stays; tells the agents', async () => {
    const created = await t
      .http()
      .post(`${FLEET}/queries`)
      .set('Authorization', `Bearer ${callers.tokens.user}`)
      .send({ name: c.unique('before'), query: 'select 1', description: 'old' });
    const id = created.body.query.id as number;
    ev.reset();
    const name = c.unique('after');
    const res = await c.patch(`/queries/${id}`, { name, description: 'new', query: 'select 2' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.query)).toEqual(QUERY_KEYS);
    expect(res.body.query).toMatchObject({ id, name, description: 'new', query: 'select 2', saved: true, author_id: callers.ids.user });
    expect(ev.configChanges()).toBe(1);
    const only = await c.patch(`/queries/${id}`, { description: 'newer' });
    expect(only.body.query).toMatchObject({ name, description: 'newer', query: 'select 2' });
    const nothing = await c.patch(`/queries/${id}`, {});
    expect(nothing.status).toBe(200);
    expect(nothing.body.query).toMatchObject({ name, description: 'newer', query: 'select 2' });
    const withNulls = await c.patch(`/queries/${id}`, { name: null, query: null });
    expect(withNulls.body.query).toMatchObject({ name, query: 'select 2' });
  });

  test('§18.43: renaming a scheduled query keeps it scheduled; its query_name and SQL follow', async () => {
    const q = await c.newQuery({ query: 'select 1' });
    const pack = await c.newPack();
    const sq = await c.schedule(pack.id, q.id);
    const name = c.unique('renamed');
    expect((await c.patch(`/queries/${q.id}`, { name, query: 'select 42' })).status).toBe(200);
    const got = await c.get(`/schedule/${sq.id}`);
    expect(got.status).toBe(200);
    expect(got.body.scheduled).toMatchObject({ id: sq.id, query_id: q.id, query_name: name, query: 'select 42' });
    expect((await c.get(`/packs/${pack.id}`)).body.pack.query_count).toBe(1);
    expect((await c.get(`/queries/${q.id}`)).body.query.packs.map((p: { id: number }) => p.id)).toEqual([pack.id]);
  });

  test('empty fields and ATTACH are 422; unknown 404; a taken name 409', async () => {
    const q = await c.newQuery();
    const other = await c.newQuery();
    ev.reset();
    validation(await c.patch(`/queries/${q.id}`, { name: '' }), [{ name: 'name', reason: 'cannot be empty' }]);
    validation(await c.patch(`/queries/${q.id}`, { query: '' }), [{ name: 'query', reason: 'cannot be empty' }]);
    validation(await c.patch(`/queries/${q.id}`, { query: "ATTACH '/x' AS y" }), [{ name: 'query', reason: ATTACH }]);
    notFound(await c.patch('/queries/999999', { name: 'x' }), 'Query 999999 was not found in the datastore');
    expectError(await c.patch(`/queries/${q.id}`, { name: other.name }), 409, 'Resource Already Exists', [
      { name: 'base', reason: /^Query .+ already exists in the datastore$/ },
    ]);
    expect((await c.get(`/queries/${q.id}`)).body.query.name).toBe(q.name);
    expect(ev.configChanges()).toBe(0);
  });

  test('bad input', async () => {
    const q = await c.newQuery();
    badRequest(await c.patch('/queries/abc', { name: 'x' }));
    badRequest(await c.patch(`/queries/${q.id}`, ['x']));
    badRequest(await c.raw('patch', `/queries/${q.id}`, '{"name":'));
    validation(await c.patch(`/queries/${q.id}`, { name: 7 }), [{ name: 'name', reason: 'must be a string' }]);
    validation(await c.patch(`/queries/${q.id}`, { query: HUGE }), [{ name: 'query', reason: 'is too long' }]);
    validation(await c.patch(`/queries/${q.id}`, { description: true }), [{ name: 'description', reason: 'must be a string' }]);
  });
});

describe('DELETE /queries/{name}', () => {
  test('§18.44: deletes by name (any case, spaces) and removes its scheduled queries from every pack', async () => {
    const q = await c.newQuery({ name: c.unique('Delete Me') });
    const keep = await c.newQuery();
    const p1 = await c.newPack();
    const p2 = await c.newPack();
    const s1 = await c.schedule(p1.id, q.id);
    await c.schedule(p2.id, q.id);
    await c.schedule(p2.id, keep.id);
    expect((await c.get(`/packs/${p2.id}`)).body.pack.query_count).toBe(2);
    ev.reset();
    const res = await c.del(`/queries/${encodeURIComponent(q.name.toLowerCase())}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(1);
    notFound(await c.get(`/queries/${q.id}`), `Query ${q.id} was not found in the datastore`);
    expect((await c.get(`/packs/${p1.id}`)).body.pack.query_count).toBe(0);
    expect((await c.get(`/packs/${p2.id}`)).body.pack.query_count).toBe(1);
    expect((await c.get(`/schedule/${s1.id}`)).status).toBe(404);
    expect((await c.get(`/packs/${p2.id}/scheduled`)).body.scheduled.map((s: { query_id: number }) => s.query_id)).toEqual([keep.id]);
  });

  test('unknown → 404 with Fleet’s table-name text; huge names stay short', async () => {
    notFound(await c.del('/queries/nope'), 'queries nope was not found in the datastore');
    const long = await c.del(`/queries/${'n'.repeat(3000)}`);
    expect(long.status).toBe(404);
    expect(long.body.errors[0].reason.length).toBeLessThan(200);
    expect((await c.del('/queries/%E0%A4%A')).status).toBe(400);
    expect(ev.configChanges()).toBe(0);
  });

  test('a numeric-looking name is a name; unsaved queries can be deleted by name', async () => {
    const q = await c.newQuery({ name: '12345' });
    const decoy = await c.newQuery();
    expect((await c.del(`/queries/${decoy.id}`)).status).toBe(404);
    expect((await c.del('/queries/12345')).status).toBe(200);
    notFound(await c.get(`/queries/${q.id}`), `Query ${q.id} was not found in the datastore`);
    const adhoc = await t.ds.newQuery({ name: c.unique('adhoc'), description: '', query: 'select 1', saved: false, author_id: null });
    expect((await c.del(`/queries/${adhoc.name}`)).status).toBe(200);
  });
});

describe('DELETE /queries/id/{id}', () => {
  test('deletes by id; unknown 404; bad id 400', async () => {
    const q = await c.newQuery();
    ev.reset();
    const res = await c.del(`/queries/id/${q.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(1);
    notFound(await c.del(`/queries/id/${q.id}`), `Query ${q.id} was not found in the datastore`);
    badRequest(await c.del('/queries/id/abc'));
    badRequest(await c.del('/queries/id/0x1'));
    expect(ev.configChanges()).toBe(1);
  });
});

describe('POST /queries/delete', () => {
  test('§18.45: deletes the listed ids that exist and counts them', async () => {
    const a = await c.newQuery();
    const b = await c.newQuery();
    const pack = await c.newPack();
    await c.schedule(pack.id, a.id);
    ev.reset();
    const res = await c.post('/queries/delete', { ids: [a.id, 999_999, b.id, a.id] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: 2 });
    expect(ev.configChanges()).toBe(1);
    expect((await c.get(`/queries/${a.id}`)).status).toBe(404);
    expect((await c.get(`/queries/${b.id}`)).status).toBe(404);
    expect((await c.get(`/packs/${pack.id}`)).body.pack.query_count).toBe(0);
    const none = await c.post('/queries/delete', { ids: [999_998] });
    expect(none.body).toEqual({ deleted: 0 });
    expect(ev.configChanges()).toBe(1);
  });

  test('empty or absent ids are 422 (Fleet: 500); ids must be positive integers', async () => {
    validation(await c.post('/queries/delete', { ids: [] }), [{ name: 'ids', reason: 'must name at least one query id' }]);
    validation(await c.post('/queries/delete', {}), [{ name: 'ids', reason: 'missing required argument' }]);
    validation(await c.post('/queries/delete', { ids: null }), [{ name: 'ids', reason: 'missing required argument' }]);
    for (const ids of [[0], [-1], [1.5], ['1'], [null], 5, 'x', { a: 1 }, [2 ** 31]]) {
      validation(await c.post('/queries/delete', { ids }), [{ name: 'ids', reason: 'must be an array of positive integers' }]);
    }
    validation(await c.post('/queries/delete', { ids: Array.from({ length: 10_001 }, (_, i) => i + 1) }), [
      { name: 'ids', reason: 'must have at most 10000 entries' },
    ]);
    badRequest(await c.post('/queries/delete', [1, 2]));
    badRequest(await c.raw('post', '/queries/delete', '{"ids": [1,'));
    expect(ev.configChanges()).toBe(0);
  });
});
