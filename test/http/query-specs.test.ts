import { expectAuthMatrix, matrixFor } from '../support/auth-matrix';
import { startTestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, notFound, validation } from './helpers';
import { type AdminApp, queryPackClient, useAdminApp } from './query-fixtures';

let { t, adminId, callers, c, ev } = {} as AdminApp;
useAdminApp((app) => ({ t, adminId, callers, c, ev } = app));

const apply = (...specs: unknown[]) => c.post('/spec/queries', { specs });
const ATTACH = 'ATTACH not allowed in queries';

describe('authorization', () => {
  test('the spec routes are open to any logged-in user, on both prefixes', async () => {
    const q = await c.newQuery();
    const m = matrixFor('auth');
    for (const prefix of [FLEET, KOLIDE]) {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/spec/queries`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/spec/queries/${encodeURIComponent(q.name)}`)), m);
      await expectAuthMatrix(
        callers,
        (auth) => auth(t.http().post(`${prefix}/spec/queries`).send({ specs: [{ name: c.unique('authz'), query: 'select 1' }] })),
        m,
      );
    }
  });
});

describe('GET /spec/queries', () => {
  test('a fresh store answers specs: []; saved queries only, description omitted when empty', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      const sc = queryPackClient(s, () => token);
      const empty = await sc.get('/spec/queries');
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ specs: [] });
      await sc.newQuery({ name: 'one', query: 'select 1;', description: 'first' });
      await sc.newQuery({ name: 'two', query: 'select 2;' });
      await s.ds.newQuery({ name: 'adhoc', description: '', query: 'select 3', saved: false, author_id: null });
      const res = await sc.get('/spec/queries');
      expect(res.body).toEqual({
        specs: [
          { name: 'one', description: 'first', query: 'select 1;' },
          { name: 'two', query: 'select 2;' },
        ],
      });
      expect(Object.keys(res.body.specs[0])).toEqual(['name', 'description', 'query']);
    } finally {
      await s.close();
    }
  });
});

describe('GET /spec/queries/{name}', () => {
  test('one spec under the plural key (any case; unsaved too); unknown → 404', async () => {
    const q = await c.newQuery({ name: c.unique('Named Query'), description: 'd', query: 'select 9;' });
    const res = await c.get(`/spec/queries/${encodeURIComponent(q.name.toUpperCase())}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ specs: { name: q.name, description: 'd', query: 'select 9;' } });
    const adhoc = await t.ds.newQuery({ name: c.unique('adhoc'), description: '', query: 'select 3', saved: false, author_id: null });
    expect((await c.get(`/spec/queries/${adhoc.name}`)).body).toEqual({ specs: { name: adhoc.name, query: 'select 3' } });
    notFound(await c.get('/spec/queries/nope'), 'Query nope was not found in the datastore');
    const long = await c.get(`/spec/queries/${'n'.repeat(3000)}`);
    expect(long.status).toBe(404);
    expect(long.body.errors[0].reason.length).toBeLessThan(200);
    expect((await c.get('/spec/queries/%ZZ')).status).toBe(400);
  });
});

describe('POST /spec/queries', () => {
  test('creates and upserts by name (any case); the caller becomes the author; answers {}', async () => {
    const name = c.unique('spec-q');
    const res = await apply({ name, description: 'v1', query: 'select 1' }, { name: `${name}-b`, query: 'select 2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(1);
    const created = (await t.ds.queryByName(name))!;
    expect(created).toMatchObject({ description: 'v1', query: 'select 1', saved: true, author_id: adminId });
    expect((await t.ds.queryByName(`${name}-b`))!.description).toBe('');

    // Another user re-applies it: description and SQL overwritten, author is now that user.
    const again = await t
      .http()
      .post(`${FLEET}/spec/queries`)
      .set('Authorization', `Bearer ${callers.tokens.user}`)
      .send({ specs: [{ name: name.toUpperCase(), description: 'v2', query: 'select 11' }] });
    expect(again.status).toBe(200);
    const updated = (await c.get(`/queries/${created.id}`)).body.query;
    // Same query (names match case-insensitively); it takes the spec's spelling.
    expect(updated).toMatchObject({ id: created.id, name: name.toUpperCase(), description: 'v2', query: 'select 11', author_id: callers.ids.user });
  });

  test('an ad-hoc query of that name becomes saved; scheduling survives an upsert', async () => {
    const adhoc = await t.ds.newQuery({ name: c.unique('adhoc'), description: '', query: 'select 1', saved: false, author_id: null });
    const pack = await c.newPack();
    const sq = await c.schedule(pack.id, adhoc.id);
    expect((await apply({ name: adhoc.name, query: 'select 5' })).status).toBe(200);
    const got = (await c.get(`/queries/${adhoc.id}`)).body.query;
    expect(got).toMatchObject({ saved: true, query: 'select 5' });
    expect((await c.get(`/schedule/${sq.id}`)).body.scheduled).toMatchObject({ query_id: adhoc.id, query: 'select 5' });
  });

  test('an empty batch is a no-op', async () => {
    const res = await apply();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(0);
  });

  test('the whole batch is checked first: any failure writes nothing (422, every reason)', async () => {
    const good = c.unique('good');
    validation(
      await apply(
        { name: good, query: 'select 1' },
        { name: '', query: 'select 1' },
        { name: 'x2', query: '' },
        { name: good.toUpperCase(), query: 'select 2' },
        { name: 'x4', query: "ATTACH '/x' AS y" },
      ),
      [
        { name: 'specs.1.name', reason: 'query name must not be empty' },
        { name: 'specs.2.query', reason: 'query must not be empty' },
        { name: 'specs.3.name', reason: `duplicate query name '${good.toUpperCase()}' (also specs.0)` },
        { name: 'specs.4.query', reason: ATTACH },
      ],
    );
    expect(await t.ds.queryByName(good)).toBeNull();
    expect(ev.configChanges()).toBe(0);
  });

  test('types: specs and each field; missing name or query; 400 for a body that is not an object', async () => {
    validation(await c.post('/spec/queries', {}), [{ name: 'specs', reason: 'missing required argument' }]);
    validation(await c.post('/spec/queries', { specs: null }), [{ name: 'specs', reason: 'missing required argument' }]);
    validation(await c.post('/spec/queries', { specs: {} }), [{ name: 'specs', reason: 'must be an array' }]);
    validation(await apply('x', [1]), [
      { name: 'specs.0', reason: 'must be an object' },
      { name: 'specs.1', reason: 'must be an object' },
    ]);
    validation(await apply({ query: 'select 1' }, { name: 'y' }), [
      { name: 'specs.0.name', reason: 'missing required argument' },
      { name: 'specs.1.query', reason: 'missing required argument' },
    ]);
    validation(await apply({ name: 1, query: true, description: [] }), [
      { name: 'specs.0.name', reason: 'must be a string' },
      { name: 'specs.0.description', reason: 'must be a string' },
      { name: 'specs.0.query', reason: 'must be a string' },
    ]);
    validation(await apply({ name: 'x'.repeat(256), query: HUGE }), [
      { name: 'specs.0.name', reason: 'is too long' },
      { name: 'specs.0.query', reason: 'is too long' },
    ]);
    badRequest(await c.post('/spec/queries', [{ name: 'a', query: 'b' }]));
    badRequest(await c.raw('post', '/spec/queries', '{"specs": [}'));
    expect(ev.configChanges()).toBe(0);
  });

  test('extra keys (the documented `support:` block) are ignored', async () => {
    const name = c.unique('support');
    const res = await apply({ name, query: 'select 1', support: { osquery: '4.0', platforms: ['darwin'] } });
    expect(res.status).toBe(200);
    expect((await c.get(`/spec/queries/${name}`)).body.specs).toEqual({ name, query: 'select 1' });
  });

  test('round trip: applying GET /spec/queries output changes nothing', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      const sc = queryPackClient(s, () => token);
      await sc.post('/spec/queries', {
        specs: [
          { name: 'a', description: 'with description', query: 'select 1;' },
          { name: 'b', query: "select * from processes where name = 'x';" },
        ],
      });
      const before = (await sc.get('/spec/queries')).body;
      const listBefore = (await sc.get('/queries')).body.queries.map((q: Record<string, unknown>) => ({ ...q, updated_at: 0 }));
      expect((await sc.post('/spec/queries', before)).status).toBe(200);
      expect((await sc.get('/spec/queries')).body).toEqual(before);
      const listAfter = (await sc.get('/queries')).body.queries.map((q: Record<string, unknown>) => ({ ...q, updated_at: 0 }));
      expect(listAfter).toEqual(listBefore);
    } finally {
      await s.close();
    }
  });
});
