import { expectAuthMatrix, matrixFor } from '../support/auth-matrix';
import { startTestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, expectError, notFound, validation } from './helpers';
import { enrollHost, setMembership } from './host-fixtures';
import { type AdminApp, keysWithout, PACK_RESPONSE_KEYS, queryPackClient, TIME, useAdminApp } from './query-fixtures';

let { t, callers, c, ev } = {} as AdminApp;
useAdminApp((app) => ({ t, callers, c, ev } = app));

async function newLabel() {
  const res = await c.post('/labels', { name: c.unique('label'), query: 'select 1' });
  expect(res.status).toBe(200);
  return res.body.label as { id: number; name: string };
}

const EMPTY_OPTIONAL = ['description', 'platform', 'disabled'];

describe('authorization', () => {
  test('every pack route is open to any logged-in user, on both prefixes', async () => {
    const pack = await c.newPack();
    const m = matrixFor('auth');
    for (const prefix of [FLEET, KOLIDE]) {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/packs`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/packs/${pack.id}`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().post(`${prefix}/packs`).send({ name: c.unique('authz') })), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().patch(`${prefix}/packs/${pack.id}`).send({ description: c.unique('d') })), m);
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await c.newPack();
          return auth(t.http().delete(`${prefix}/packs/${encodeURIComponent(fresh.name)}`));
        },
        m,
      );
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await c.newPack();
          return auth(t.http().delete(`${prefix}/packs/id/${fresh.id}`));
        },
        m,
      );
    }
  });
});

describe('POST /packs', () => {
  test('creates a pack with its targets; the response counts hosts and queries; tells the agents', async () => {
    const label = await newLabel();
    const h1 = await enrollHost(t);
    const h2 = await enrollHost(t);
    const h3 = await enrollHost(t);
    await setMembership(t, h2.host.id, label.id, true);
    await setMembership(t, h3.host.id, label.id, true);
    const res = await c.post('/packs', {
      name: 'monitoring',
      description: 'all the things',
      platform: 'linux',
      disabled: true,
      host_ids: [h1.host.id, h2.host.id, h1.host.id],
      label_ids: [label.id],
    });
    expect(res.status).toBe(200);
    const p = res.body.pack;
    expect(Object.keys(p)).toEqual(PACK_RESPONSE_KEYS);
    expect(p).toMatchObject({
      name: 'monitoring',
      description: 'all the things',
      platform: 'linux',
      disabled: true,
      query_count: 0,
      total_hosts_count: 3,
      label_ids: [label.id],
    });
    expect([...p.host_ids].sort()).toEqual([h1.host.id, h2.host.id].sort());
    expect(p.created_at).toMatch(TIME);
    expect(ev.configChanges()).toBe(1);
  });

  test('a bare pack: empty fields omitted, targets []', async () => {
    const res = await c.post('/packs', { name: c.unique('bare') });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.pack)).toEqual(keysWithout(PACK_RESPONSE_KEYS, EMPTY_OPTIONAL));
    expect(res.body.pack).toMatchObject({ query_count: 0, total_hosts_count: 0, host_ids: [], label_ids: [] });
  });

  test('name is required and non-empty (policy: 422)', async () => {
    validation(await c.post('/packs', {}), [{ name: 'name', reason: 'missing required argument' }]);
    validation(await c.post('/packs', { name: null }), [{ name: 'name', reason: 'missing required argument' }]);
    validation(await c.post('/packs', { name: '' }), [{ name: 'name', reason: 'cannot be empty' }]);
    expect(ev.configChanges()).toBe(0);
  });

  test('§18.50 (policy): a taken name (any case) is a 409', async () => {
    const pack = await c.newPack();
    for (const name of [pack.name, pack.name.toUpperCase()]) {
      expectError(await c.post('/packs', { name }), 409, 'Resource Already Exists', [
        { name: 'base', reason: /^Pack .+ already exists in the datastore$/ },
      ]);
    }
  });

  test('unknown host or label ids are 422 naming the field (policy: no silent garbage)', async () => {
    const h = await enrollHost(t);
    const name = c.unique('targets');
    validation(await c.post('/packs', { name, host_ids: [h.host.id, 999_999], label_ids: [6, 888_888, 777_777] }), [
      { name: 'host_ids', reason: 'unknown host ids: 999999' },
      { name: 'label_ids', reason: 'unknown label ids: 888888, 777777' },
    ]);
    expect(await t.ds.packByName(name)).toBeNull();
    const many = Array.from({ length: 12 }, (_, i) => 900_000 + i);
    validation(await c.post('/packs', { name, host_ids: many }), [
      { name: 'host_ids', reason: `unknown host ids: ${many.slice(0, 10).join(', ')}, … (12 in all)` },
    ]);
    expect(ev.configChanges()).toBe(0);
  });

  test('wrong types and sizes are 422; a body that is not an object is 400', async () => {
    validation(await c.post('/packs', { name: 5 }), [{ name: 'name', reason: 'must be a string' }]);
    validation(await c.post('/packs', { name: 'x', disabled: 'yes' }), [{ name: 'disabled', reason: 'must be a boolean' }]);
    validation(await c.post('/packs', { name: 'x', description: 1, platform: [] }), [
      { name: 'description', reason: 'must be a string' },
      { name: 'platform', reason: 'must be a string' },
    ]);
    for (const host_ids of [[0], [-1], ['1'], [1.5], 1, 'x', [2 ** 31]]) {
      validation(await c.post('/packs', { name: 'x', host_ids }), [{ name: 'host_ids', reason: 'must be an array of positive integers' }]);
    }
    validation(await c.post('/packs', { name: 'x', label_ids: {} }), [{ name: 'label_ids', reason: 'must be an array of positive integers' }]);
    validation(await c.post('/packs', { name: 'x'.repeat(256) }), [{ name: 'name', reason: 'is too long' }]);
    validation(await c.post('/packs', { name: 'x', description: HUGE }), [{ name: 'description', reason: 'is too long' }]);
    validation(await c.post('/packs', { name: 'x', host_ids: Array.from({ length: 100_001 }, () => 1) }), [
      { name: 'host_ids', reason: 'must have at most 100000 entries' },
    ]);
    badRequest(await c.post('/packs', ['x']));
    badRequest(await c.raw('post', '/packs', '{"name": '));
    badRequest(await c.raw('post', '/packs', '"name"'));
    expect(ev.configChanges()).toBe(0);
  });
});

describe('GET /packs/{id}', () => {
  test('counts: query_count, total_hosts_count (explicit ∪ label members, existing hosts only)', async () => {
    const label = await newLabel();
    const a = await enrollHost(t);
    const b = await enrollHost(t);
    await setMembership(t, a.host.id, label.id, true);
    await setMembership(t, b.host.id, label.id, true);
    const pack = await c.newPack({ host_ids: [a.host.id], label_ids: [label.id] });
    const q = await c.newQuery();
    await c.schedule(pack.id, q.id);
    await c.schedule(pack.id, q.id);
    const res = await c.get(`/packs/${pack.id}`);
    expect(res.status).toBe(200);
    expect(res.body.pack).toMatchObject({ id: pack.id, query_count: 2, total_hosts_count: 2, host_ids: [a.host.id], label_ids: [label.id] });
    expect((await c.del(`/hosts/${a.host.id}`)).status).toBe(200);
    const after = (await c.get(`/packs/${pack.id}`)).body.pack;
    expect(after).toMatchObject({ total_hosts_count: 1, host_ids: [] });
  });

  test('§18.50: unknown → 404 `Pack <id> …`; bad id → 400', async () => {
    notFound(await c.get('/packs/999'), 'Pack 999 was not found in the datastore');
    badRequest(await c.get('/packs/abc'));
    badRequest(await c.get('/packs/1e3'));
  });
});

describe('GET /packs', () => {
  test('every pack as a pack response; order_key and paging', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      const sc = queryPackClient(s, () => token);
      expect((await sc.get('/packs')).body).toEqual({ packs: [] });
      const b = await sc.newPack({ name: 'b-pack', label_ids: [6] });
      const a = await sc.newPack({ name: 'a-pack', disabled: true });
      const q = await sc.newQuery();
      await sc.schedule(a.id, q.id);
      const all = (await sc.get('/packs')).body.packs as Array<Record<string, unknown>>;
      expect(all.map((p) => p.name)).toEqual(['b-pack', 'a-pack']);
      expect(Object.keys(all[0]!)).toEqual(keysWithout(PACK_RESPONSE_KEYS, EMPTY_OPTIONAL));
      expect(all[0]).toMatchObject({ label_ids: [6], query_count: 0 });
      expect(all[1]).toMatchObject({ disabled: true, query_count: 1, label_ids: [] });
      const byName = (await sc.get('/packs?order_key=name')).body.packs as Array<{ id: number }>;
      expect(byName.map((p) => p.id)).toEqual([a.id, b.id]);
      const page = (await sc.get('/packs?order_key=id&order_direction=desc&page=0&per_page=1')).body.packs as Array<{ id: number }>;
      expect(page.map((p) => p.id)).toEqual([a.id]);
    } finally {
      await s.close();
    }
  });

  test('bad list options are 4xx', async () => {
    validation(await c.get('/packs?order_key=total_hosts_count'), [{ name: 'order_key', reason: /^order_key is not one of: / }]);
    validation(await c.get('/packs?order_direction=asc'), [{ name: 'order_key', reason: 'order_key must be specified with order_direction' }]);
    badRequest(await c.get('/packs?per_page=abc'));
  });
});

describe('PATCH /packs/{id}', () => {
  test('scalar fields merge; host_ids / label_ids replace when present ([] clears, absent keeps)', async () => {
    const l1 = await newLabel();
    const l2 = await newLabel();
    const h1 = await enrollHost(t);
    const h2 = await enrollHost(t);
    const pack = await c.newPack({ description: 'd', platform: 'darwin', host_ids: [h1.host.id], label_ids: [l1.id] });
    ev.reset();
    const name = c.unique('renamed');
    const res = await c.patch(`/packs/${pack.id}`, { name, disabled: true });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.pack)).toEqual(PACK_RESPONSE_KEYS);
    expect(res.body.pack).toMatchObject({ name, description: 'd', platform: 'darwin', disabled: true, host_ids: [h1.host.id], label_ids: [l1.id] });
    expect(ev.configChanges()).toBe(1);

    const hostsOnly = await c.patch(`/packs/${pack.id}`, { host_ids: [h2.host.id] });
    expect(hostsOnly.body.pack).toMatchObject({ host_ids: [h2.host.id], label_ids: [l1.id] });
    const labelsOnly = await c.patch(`/packs/${pack.id}`, { label_ids: [l2.id, l1.id] });
    expect(labelsOnly.body.pack.host_ids).toEqual([h2.host.id]);
    expect([...labelsOnly.body.pack.label_ids].sort()).toEqual([l1.id, l2.id].sort());
    const cleared = await c.patch(`/packs/${pack.id}`, { host_ids: [], label_ids: [], description: '', disabled: false });
    expect(Object.keys(cleared.body.pack)).toEqual(keysWithout(PACK_RESPONSE_KEYS, ['description', 'disabled']));
    expect(cleared.body.pack).toMatchObject({ name, platform: 'darwin', host_ids: [], label_ids: [], total_hosts_count: 0 });
    const same = await c.patch(`/packs/${pack.id}`, { name: null, description: null });
    expect(same.body.pack).toMatchObject({ name, platform: 'darwin' });
  });

  test('a host that is also a label member can be an explicit target (Fleet’s diff quirk fixed)', async () => {
    const label = await newLabel();
    const h = await enrollHost(t);
    await setMembership(t, h.host.id, label.id, true);
    const pack = await c.newPack({ label_ids: [label.id] });
    const res = await c.patch(`/packs/${pack.id}`, { host_ids: [h.host.id] });
    expect(res.body.pack).toMatchObject({ host_ids: [h.host.id], label_ids: [label.id], total_hosts_count: 1 });
  });

  test('empty name and unknown targets are 422; unknown pack 404; a taken name 409; bad input 4xx', async () => {
    const pack = await c.newPack();
    const other = await c.newPack();
    ev.reset();
    validation(await c.patch(`/packs/${pack.id}`, { name: '' }), [{ name: 'name', reason: 'cannot be empty' }]);
    validation(await c.patch(`/packs/${pack.id}`, { label_ids: [999_999] }), [{ name: 'label_ids', reason: 'unknown label ids: 999999' }]);
    validation(await c.patch(`/packs/${pack.id}`, { host_ids: [999_999] }), [{ name: 'host_ids', reason: 'unknown host ids: 999999' }]);
    notFound(await c.patch('/packs/999999', { name: 'x' }), 'Pack 999999 was not found in the datastore');
    expectError(await c.patch(`/packs/${pack.id}`, { name: other.name }), 409, 'Resource Already Exists', [
      { name: 'base', reason: /^Pack .+ already exists in the datastore$/ },
    ]);
    badRequest(await c.patch('/packs/abc', {}));
    badRequest(await c.patch(`/packs/${pack.id}`, [1]));
    validation(await c.patch(`/packs/${pack.id}`, { disabled: 1 }), [{ name: 'disabled', reason: 'must be a boolean' }]);
    expect((await c.get(`/packs/${pack.id}`)).body.pack.name).toBe(pack.name);
    expect(ev.configChanges()).toBe(0);
  });
});

describe('DELETE /packs/{name}', () => {
  test('deletes by name (any case, spaces) with its scheduled queries; answers {}', async () => {
    const pack = await c.newPack({ name: c.unique('Old Pack') });
    const q = await c.newQuery();
    const sq = await c.schedule(pack.id, q.id);
    ev.reset();
    const res = await c.del(`/packs/${encodeURIComponent(pack.name.toUpperCase())}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(1);
    notFound(await c.get(`/packs/${pack.id}`), `Pack ${pack.id} was not found in the datastore`);
    expect((await c.get(`/schedule/${sq.id}`)).status).toBe(404);
    expect((await c.get(`/queries/${q.id}`)).body.query.packs).toEqual([]);
  });

  test('unknown → 404 `packs <name> …`; bad encoding 400; a numeric-looking name is a name', async () => {
    notFound(await c.del('/packs/nope'), 'packs nope was not found in the datastore');
    expect((await c.del(`/packs/${'n'.repeat(3000)}`)).status).toBe(404);
    expect((await c.del('/packs/%ZZ')).status).toBe(400);
    const pack = await c.newPack({ name: '4242' });
    ev.reset();
    expect((await c.del('/packs/4242')).status).toBe(200);
    expect((await c.get(`/packs/${pack.id}`)).status).toBe(404);
    expect(ev.configChanges()).toBe(1);
  });
});

describe('DELETE /packs/id/{id}', () => {
  test('deletes by id; unknown 404 `Pack <id> …`; bad id 400', async () => {
    const pack = await c.newPack();
    ev.reset();
    const res = await c.del(`/packs/id/${pack.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(1);
    notFound(await c.del(`/packs/id/${pack.id}`), `Pack ${pack.id} was not found in the datastore`);
    badRequest(await c.del('/packs/id/x'));
    expect(ev.configChanges()).toBe(1);
  });
});
