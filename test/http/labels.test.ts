import type { Test } from 'supertest';
import { BUILTIN_LABELS } from '../../internal/fleet';
import { expectAuthMatrix, matrixFor } from '../support/auth-matrix';
import { startTestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, expectError, notFound, validation } from './helpers';
import { HOST_KEYS, enrollHost, setMembership } from './host-fixtures';
import { type AdminApp, useAdminApp } from './query-fixtures';

const LABEL_RESPONSE_KEYS = [
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
  'host_ids',
];
const keysOf = (o: object, omitted: string[] = []) => expect(Object.keys(o)).toEqual(LABEL_RESPONSE_KEYS.filter((k) => !omitted.includes(k)));

let { t, adminToken, callers, ev } = {} as AdminApp;
useAdminApp((app) => ({ t, adminToken, callers, ev } = app));
let seq = 0;

const asAdmin = (req: Test) => req.set('Authorization', `Bearer ${adminToken}`);
const get = (path: string) => asAdmin(t.http().get(`${FLEET}${path}`));
const post = (path: string, body: unknown) => asAdmin(t.http().post(`${FLEET}${path}`)).send(body as object);
const patch = (path: string, body: unknown) => asAdmin(t.http().patch(`${FLEET}${path}`)).send(body as object);
const del = (path: string) => asAdmin(t.http().delete(`${FLEET}${path}`));
const changed = () => ev.count('labels-changed');

async function newLabel(fields: { name?: string; query?: string; description?: string; platform?: string } = {}) {
  const res = await post('/labels', { name: `label-${++seq}`, query: 'select 1;', ...fields });
  if (res.status !== 200) throw new Error(`create label: ${res.status} ${res.text}`);
  return res.body.label as { id: number; name: string };
}

describe('authorization', () => {
  test('every label route is open to any logged-in user, on both prefixes', async () => {
    const label = await newLabel();
    for (const prefix of [FLEET, KOLIDE]) {
      const m = matrixFor('auth');
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/labels`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/labels/${label.id}`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/labels/${label.id}/hosts`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().post(`${prefix}/labels`).send({ name: `m-${++seq}`, query: 'select 1' })), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().patch(`${prefix}/labels/${label.id}`).send({ description: `d${++seq}` })), m);
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await newLabel();
          return auth(t.http().delete(`${prefix}/labels/${encodeURIComponent(fresh.name)}`));
        },
        m,
      );
      await expectAuthMatrix(
        callers,
        async (auth) => {
          const fresh = await newLabel();
          return auth(t.http().delete(`${prefix}/labels/id/${fresh.id}`));
        },
        m,
      );
    }
  });
});

describe('GET /labels', () => {
  test('§18.35: a fresh store has the five builtins, ids 6–10 in seed order', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      const res = await s.http().get(`${FLEET}/labels`).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      const labels = res.body.labels as Array<Record<string, unknown>>;
      expect(labels.map((l) => [l.id, l.name, l.label_type, l.label_membership_type])).toEqual(
        BUILTIN_LABELS.map((b, i) => [6 + i, b.name, 'builtin', 'dynamic']),
      );
      const all = labels[0]!;
      keysOf(all, ['platform', 'host_count']);
      expect(all).toMatchObject({
        name: 'All Hosts',
        description: 'All hosts which have enrolled in Fleet',
        query: 'select 1;',
        display_text: 'All Hosts',
        count: 0,
        host_ids: null,
      });
      expect(labels[1]).toMatchObject({ name: 'macOS', platform: 'darwin' });
    } finally {
      await s.close();
    }
  });

  test('each label carries its real host_count and count; order by host_count; paging', async () => {
    const label = await newLabel({ name: 'counted' });
    const a = await enrollHost(t);
    const b = await enrollHost(t);
    await setMembership(t, a.host.id, label.id, true);
    await setMembership(t, b.host.id, label.id, true);
    const list = (await get('/labels')).body.labels as Array<{ id: number; host_count?: number; count: number }>;
    const mine = list.find((l) => l.id === label.id)!;
    expect(mine).toMatchObject({ host_count: 2, count: 2 });
    const all = list.find((l) => l.id === 6)!;
    expect(all.count).toBeGreaterThanOrEqual(2);
    expect(all.host_count).toBe(all.count);

    const byCount = (await get('/labels?order_key=host_count&order_direction=desc')).body.labels as Array<{ count: number }>;
    const counts = byCount.map((l) => l.count);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
    const page = (await get('/labels?order_key=id&page=0&per_page=2')).body.labels as Array<{ id: number }>;
    expect(page.map((l) => l.id)).toEqual([6, 7]);
    const byName = (await get('/labels?order_key=name&order_direction=desc')).body.labels as Array<{ name: string }>;
    const lower = byName.map((l) => l.name).filter((n) => /^label-\d+$/.test(n));
    expect(lower).toEqual([...lower].sort().reverse());
  });

  test('bad list options', async () => {
    validation(await get('/labels?order_key=query;drop'), [{ name: 'order_key', reason: /^order_key is not one of: / }]);
    expect((await get('/labels?order_direction=desc')).status).toBe(422);
    badRequest(await get('/labels?page=x'));
  });
});

describe('POST /labels', () => {
  test('creates a regular dynamic label and tells the agents', async () => {
    const res = await post('/labels', {
      name: 'Servers',
      query: "select 1 from os_version where platform = 'ubuntu';",
      description: 'all servers',
      platform: 'ubuntu',
      label_membership_type: 'manual',
      label_type: 'builtin',
    });
    expect(res.status).toBe(200);
    const l = res.body.label;
    keysOf(l, ['host_count']);
    expect(l).toMatchObject({
      name: 'Servers',
      description: 'all servers',
      platform: 'ubuntu',
      label_type: 'regular',
      label_membership_type: 'dynamic',
      display_text: 'Servers',
      count: 0,
      host_ids: null,
    });
    expect(l.id).toBeGreaterThanOrEqual(11);
    expect(changed()).toBe(1);
    const again = await get(`/labels/${l.id}`);
    expect(again.body.label.query).toBe("select 1 from os_version where platform = 'ubuntu';");
  });

  test('optional fields are omitted from the JSON when empty', async () => {
    const l = await newLabel({ name: 'plain' });
    const res = await get(`/labels/${l.id}`);
    keysOf(res.body.label, ['description', 'platform', 'host_count']);
  });

  test('name, then query, are required', async () => {
    validation(await post('/labels', {}), [{ name: 'name', reason: 'missing required argument' }]);
    validation(await post('/labels', { query: 'select 1' }), [{ name: 'name', reason: 'missing required argument' }]);
    validation(await post('/labels', { name: 'q-missing' }), [{ name: 'query', reason: 'missing required argument' }]);
    validation(await post('/labels', { name: null, query: 'select 1' }), [{ name: 'name', reason: 'missing required argument' }]);
    validation(await post('/labels', { name: '', query: 'select 1' }), [{ name: 'name', reason: 'cannot be empty' }]);
    expect(changed()).toBe(0);
  });

  test('a taken name (any case) is a 409', async () => {
    await newLabel({ name: 'dupe' });
    expectError(await post('/labels', { name: 'dupe', query: 'select 2' }), 409, 'Resource Already Exists', [
      { name: 'base', reason: 'Label dupe already exists in the datastore' },
    ]);
    expect((await post('/labels', { name: 'DUPE', query: 'select 2' })).status).toBe(409);
    expect((await post('/labels', { name: 'All Hosts', query: 'select 2' })).status).toBe(409);
  });

  test('wrong types and sizes are 422; a body that is not an object is 400', async () => {
    validation(await post('/labels', { name: 5, query: 'select 1' }), [{ name: 'name', reason: 'must be a string' }]);
    validation(await post('/labels', { name: 'x', query: ['select 1'] }), [{ name: 'query', reason: 'must be a string' }]);
    validation(await post('/labels', { name: 'x', query: 'q', platform: {} }), [{ name: 'platform', reason: 'must be a string' }]);
    validation(await post('/labels', { name: 'x'.repeat(256), query: 'q' }), [{ name: 'name', reason: 'is too long' }]);
    validation(await post('/labels', { name: 'x', query: 'q'.repeat(65_537) }), [{ name: 'query', reason: 'is too long' }]);
    validation(await post('/labels', { name: 'x', query: 'q', description: HUGE }), [{ name: 'description', reason: 'is too long' }]);
    badRequest(await post('/labels', []));
    badRequest(await post('/labels', 'name'));
    badRequest(await asAdmin(t.http().post(`${FLEET}/labels`)).set('Content-Type', 'application/json').send('{"name": '));
    badRequest(await asAdmin(t.http().post(`${FLEET}/labels`)).set('Content-Type', 'application/json').send('null'));
    // An absent body reads as {} (the project's JSON parser convention).
    validation(await asAdmin(t.http().post(`${FLEET}/labels`)), [{ name: 'name', reason: 'missing required argument' }]);
    expect(changed()).toBe(0);
  });
});

describe('PATCH /labels/{id}', () => {
  test('§18.36: changes name and description only; platform and query are ignored', async () => {
    const l = await newLabel({ name: 'before', query: 'select 1;', platform: 'ubuntu', description: 'old' });
    ev.reset();
    const res = await patch(`/labels/${l.id}`, { name: 'after', description: 'new', platform: 'darwin', query: 'x' });
    expect(res.status).toBe(200);
    expect(res.body.label).toMatchObject({ id: l.id, name: 'after', display_text: 'after', description: 'new', platform: 'ubuntu', query: 'select 1;' });
    expect(changed()).toBe(1);
    const got = (await get(`/labels/${l.id}`)).body.label;
    expect(got).toMatchObject({ name: 'after', description: 'new', platform: 'ubuntu', query: 'select 1;' });
    const onlyDescription = await patch(`/labels/${l.id}`, { description: 'newer' });
    expect(onlyDescription.body.label).toMatchObject({ name: 'after', description: 'newer' });
    const nothing = await patch(`/labels/${l.id}`, {});
    expect(nothing.status).toBe(200);
    expect(nothing.body.label).toMatchObject({ name: 'after', description: 'newer' });
  });

  test('the response carries the real member count', async () => {
    const l = await newLabel();
    const e = await enrollHost(t);
    await setMembership(t, e.host.id, l.id, true);
    const res = await patch(`/labels/${l.id}`, { description: 'counted' });
    expect(res.body.label).toMatchObject({ count: 1, host_count: 1 });
  });

  test('builtin labels cannot be modified (422); unknown 404; name clash 409', async () => {
    for (const id of [6, 7, 10]) {
      validation(await patch(`/labels/${id}`, { description: 'mine now' }), [{ name: 'base', reason: 'cannot modify built-in label' }]);
    }
    expect((await get('/labels/6')).body.label.description).toBe('All hosts which have enrolled in Fleet');
    notFound(await patch('/labels/99999', { name: 'x' }), 'Label 99999 was not found in the datastore');
    const a = await newLabel();
    const b = await newLabel();
    ev.reset();
    expectError(await patch(`/labels/${b.id}`, { name: a.name }), 409, 'Resource Already Exists', [
      { name: 'base', reason: `Label ${a.name} already exists in the datastore` },
    ]);
    expect(changed()).toBe(0);
  });

  test('bad input', async () => {
    const l = await newLabel();
    badRequest(await patch('/labels/abc', { name: 'x' }));
    badRequest(await patch(`/labels/${l.id}`, ['x']));
    validation(await patch(`/labels/${l.id}`, { name: '' }), [{ name: 'name', reason: 'cannot be empty' }]);
    validation(await patch(`/labels/${l.id}`, { name: 7 }), [{ name: 'name', reason: 'must be a string' }]);
    validation(await patch(`/labels/${l.id}`, { name: HUGE }), [{ name: 'name', reason: 'is too long' }]);
  });
});

describe('GET /labels/{id}', () => {
  test('§18.37 (fixed by policy): count is the real number of members', async () => {
    const l = await newLabel();
    const hosts = [await enrollHost(t), await enrollHost(t), await enrollHost(t)];
    for (const h of hosts) await setMembership(t, h.host.id, l.id, true);
    await setMembership(t, hosts[2]!.host.id, l.id, false);
    const res = await get(`/labels/${l.id}`);
    expect(res.status).toBe(200);
    keysOf(res.body.label, ['description', 'platform']);
    expect(res.body.label).toMatchObject({ count: 2, host_count: 2, host_ids: null });
  });

  test('unknown → 404; bad id → 400', async () => {
    notFound(await get('/labels/99999'), 'Label 99999 was not found in the datastore');
    badRequest(await get('/labels/abc'));
    badRequest(await get('/labels/1.5'));
  });
});

describe('GET /labels/{id}/hosts', () => {
  test('lists members as host responses, with search, status and paging', async () => {
    const l = await newLabel();
    const a = await enrollHost(t, { hostname: 'member-a' });
    const b = await enrollHost(t, { hostname: 'member-b', seenAgo: 3600 });
    await enrollHost(t, { hostname: 'member-c-not' });
    await setMembership(t, a.host.id, l.id, true);
    await setMembership(t, b.host.id, l.id, true);
    const list = async (q = '') => {
      const res = await get(`/labels/${l.id}/hosts?order_key=host_name${q}`);
      expect(res.status).toBe(200);
      return res.body.hosts as Array<Record<string, unknown>>;
    };
    const all = await list();
    expect(all.map((h) => h.hostname)).toEqual(['member-a', 'member-b']);
    expect(Object.keys(all[0]!)).toEqual(HOST_KEYS);
    expect(all.map((h) => h.status)).toEqual(['online', 'offline']);
    expect((await list('&query=MEMBER-B')).map((h) => h.hostname)).toEqual(['member-b']);
    expect((await list('&status=online')).map((h) => h.hostname)).toEqual(['member-a']);
    expect((await list('&order_direction=desc&per_page=1')).map((h) => h.hostname)).toEqual(['member-b']);
    expect((await list('&additional_info_filters=x'))[0]!.additional).toEqual({ x: null });
    const empty = await newLabel();
    expect((await get(`/labels/${empty.id}/hosts`)).body).toEqual({ hosts: [] });
  });

  test('unknown label → 404; bad options are 4xx', async () => {
    notFound(await get('/labels/99999/hosts'), 'Label 99999 was not found in the datastore');
    badRequest(await get('/labels/abc/hosts'));
    validation(await get('/labels/6/hosts?status=sleepy'), [{ name: 'status', reason: 'invalid status sleepy' }]);
    validation(await get('/labels/6/hosts?order_key=node_key_hash'), [{ name: 'order_key', reason: /^order_key is not one of: / }]);
  });
});

describe('DELETE /labels/{name}', () => {
  test('deletes by name (spaces and any case), answers {}, tells the agents', async () => {
    const l = await newLabel({ name: 'Delete Me' });
    const e = await enrollHost(t);
    await setMembership(t, e.host.id, l.id, true);
    ev.reset();
    const res = await del('/labels/delete%20me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(changed()).toBe(1);
    notFound(await get(`/labels/${l.id}`), `Label ${l.id} was not found in the datastore`);
    // The host itself is untouched.
    expect((await get(`/hosts/${e.host.id}`)).status).toBe(200);
  });

  test('§18.38: unknown → 404 with Fleet’s table-name text; builtin → 422', async () => {
    notFound(await del('/labels/nope'), 'labels nope was not found in the datastore');
    validation(await del('/labels/All%20Hosts'), [{ name: 'base', reason: 'cannot delete built-in label' }]);
    validation(await del('/labels/macos'), [{ name: 'base', reason: 'cannot delete built-in label' }]);
    expect((await get('/labels/6')).status).toBe(200);
    const long = await del(`/labels/${'n'.repeat(3000)}`);
    expect(long.status).toBe(404);
    expect(long.body.errors[0].reason.length).toBeLessThan(200);
    expect(changed()).toBe(0);
  });

  test('a path that is not valid percent-encoding is a 400', async () => {
    expect((await del('/labels/%E0%A4%A')).status).toBe(400);
    expect((await get('/spec/labels/%ZZ')).status).toBe(400);
    expect((await get('/hosts/identifier/%ZZ')).status).toBe(400);
  });

  test('a numeric-looking name is a name', async () => {
    const l = await newLabel({ name: '12345' });
    expect((await del('/labels/12345')).status).toBe(200);
    notFound(await get(`/labels/${l.id}`), `Label ${l.id} was not found in the datastore`);
  });
});

describe('DELETE /labels/id/{id}', () => {
  test('deletes by id; unknown 404; builtin 422; bad id 400', async () => {
    const l = await newLabel();
    ev.reset();
    const res = await del(`/labels/id/${l.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(changed()).toBe(1);
    notFound(await del(`/labels/id/${l.id}`), `Label ${l.id} was not found in the datastore`);
    validation(await del('/labels/id/6'), [{ name: 'base', reason: 'cannot delete built-in label' }]);
    badRequest(await del('/labels/id/abc'));
    expect(changed()).toBe(1);
  });
});
