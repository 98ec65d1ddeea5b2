import type { Test } from 'supertest';
import { BUILTIN_LABELS } from '../../internal/fleet';
import { expectAuthMatrix, matrixFor } from '../support/auth-matrix';
import { startTestApp } from '../support/test-app';
import { FLEET, KOLIDE, badRequest, notFound, validation } from './helpers';
import { enrollHost } from './host-fixtures';
import { type AdminApp, useAdminApp } from './query-fixtures';

let { t, adminToken, callers, ev } = {} as AdminApp;
useAdminApp((app) => ({ t, adminToken, callers, ev } = app));
let seq = 0;

const asAdmin = (req: Test) => req.set('Authorization', `Bearer ${adminToken}`);
const get = (path: string) => asAdmin(t.http().get(`${FLEET}${path}`));
const apply = (body: unknown) => asAdmin(t.http().post(`${FLEET}/spec/labels`)).send(body as object);
const applySpecs = (...specs: unknown[]) => apply({ specs });
const changed = () => ev.count('labels-changed');
const base = (reason: string) => [{ name: 'base', reason }];
const members = async (name: string) => {
  const label = (await t.ds.labelByName(name))!;
  return (await get(`/labels/${label.id}/hosts?order_key=host_name`)).body.hosts.map((h: { hostname: string }) => h.hostname);
};

/** The builtins' specs exactly as GET /spec/labels shows them. */
const BUILTIN_SPECS = BUILTIN_LABELS.map((b) => ({
  ID: 0,
  name: b.name,
  description: b.description,
  query: b.query,
  ...(b.platform ? { platform: b.platform } : {}),
  label_type: 'builtin',
  label_membership_type: 'dynamic',
}));

describe('authorization', () => {
  test('the spec routes are open to any logged-in user, on both prefixes', async () => {
    for (const prefix of [FLEET, KOLIDE]) {
      const m = matrixFor('auth');
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/spec/labels`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/spec/labels/All%20Hosts`)), m);
      await expectAuthMatrix(
        callers,
        (auth) => auth(t.http().post(`${prefix}/spec/labels`).send({ specs: [{ name: `authz-${++seq}`, query: 'select 1' }] })),
        m,
      );
    }
  });
});

describe('GET /spec/labels', () => {
  test('a fresh store lists the builtins as fleetctl reads them', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      const res = await s.http().get(`${FLEET}/spec/labels`).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ specs: BUILTIN_SPECS });
      expect(Object.keys(res.body.specs[1])).toEqual(['ID', 'name', 'description', 'query', 'platform', 'label_type', 'label_membership_type']);
      expect(Object.keys(res.body.specs[0])).toEqual(['ID', 'name', 'description', 'query', 'label_type', 'label_membership_type']);
    } finally {
      await s.close();
    }
  });

  test('GET /spec/labels/{name}: one spec under the plural key; unknown → 404', async () => {
    const res = await get('/spec/labels/macOS');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ specs: BUILTIN_SPECS[1] });
    expect((await get('/spec/labels/macos')).body.specs.name).toBe('macOS');
    notFound(await get('/spec/labels/nope'), 'Label nope was not found in the datastore');
    const long = await get(`/spec/labels/${'z'.repeat(3000)}`);
    expect(long.status).toBe(404);
    expect(long.body.errors[0].reason.length).toBeLessThan(200);
  });
});

describe('POST /spec/labels', () => {
  test('creates and updates dynamic labels by name (the query is mutable here), answers {}', async () => {
    const res = await applySpecs({ name: 'spec-dyn', query: 'select 1;', description: 'd', platform: 'darwin' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(changed()).toBe(1);
    expect((await get('/spec/labels/spec-dyn')).body.specs).toEqual({
      ID: 0,
      name: 'spec-dyn',
      description: 'd',
      query: 'select 1;',
      platform: 'darwin',
      label_membership_type: 'dynamic',
    });
    const id = (await t.ds.labelByName('spec-dyn'))!.id;
    expect((await applySpecs({ ID: 999, name: 'spec-dyn', query: 'select 2;', label_type: 0 })).status).toBe(200);
    const label = (await get(`/labels/${id}`)).body.label;
    expect(label).toMatchObject({ id, query: 'select 2;', label_type: 'regular', label_membership_type: 'dynamic' });
    expect(label).not.toHaveProperty('description');
    expect(label).not.toHaveProperty('platform');
    expect(changed()).toBe(2);
  });

  test('§18.39: manual labels take their members by hostname; unknown hostnames are skipped', async () => {
    await enrollHost(t, { hostname: 'spec-a' });
    await enrollHost(t, { hostname: 'spec-b' });
    const res = await applySpecs({ name: 'spec-manual', label_membership_type: 'manual', hosts: ['spec-a', 'zzz'] });
    expect(res.status).toBe(200);
    expect(await members('spec-manual')).toEqual(['spec-a']);
    const spec = (await get('/spec/labels/spec-manual')).body.specs;
    expect(spec).toEqual({ ID: 0, name: 'spec-manual', description: '', query: '', label_membership_type: 'manual', hosts: ['spec-a'] });
    // Re-applying replaces the members; `hosts: []` empties the label.
    await applySpecs({ name: 'spec-manual', label_membership_type: 'manual', hosts: ['spec-b'] });
    expect(await members('spec-manual')).toEqual(['spec-b']);
    await applySpecs({ name: 'spec-manual', label_membership_type: 'manual', hosts: [] });
    expect(await members('spec-manual')).toEqual([]);
    expect((await get('/spec/labels/spec-manual')).body.specs.hosts).toEqual([]);
  });

  test('membership rules: manual needs hosts, dynamic must not have any; names must not be empty', async () => {
    validation(await applySpecs({ name: 'm1', label_membership_type: 'manual' }), base('label m1 is declared as manual but contains no `hosts key`'));
    validation(
      await applySpecs({ name: 'm2', label_membership_type: 'manual', hosts: null }),
      base('label m2 is declared as manual but contains no `hosts key`'),
    );
    validation(await applySpecs({ name: 'd1', query: 'select 1', hosts: ['x'] }), base('label d1 is declared as dynamic but contains `hosts` key'));
    expect((await applySpecs({ name: 'd2', query: 'select 1', hosts: [] })).status).toBe(200);
    validation(await applySpecs({ name: '', query: 'select 1' }), base('label name must not be empty'));
    validation(await applySpecs({ query: 'select 1' }), [{ name: 'specs.0.name', reason: 'missing required argument' }]);
  });

  test('nothing is applied when any spec fails', async () => {
    const res = await applySpecs({ name: 'atomic-ok', query: 'select 1' }, { name: 'atomic-bad', label_membership_type: 'manual' });
    expect(res.status).toBe(422);
    expect(await t.ds.labelByName('atomic-ok')).toBeNull();
    const typed = await applySpecs({ name: 'atomic-ok', query: 'select 1' }, { name: 'atomic-bad', query: 5 });
    validation(typed, [{ name: 'specs.1.query', reason: 'must be a string' }]);
    expect(await t.ds.labelByName('atomic-ok')).toBeNull();
    expect(changed()).toBe(0);
  });

  test('type checks on every field, reported per spec', async () => {
    validation(
      await applySpecs(
        { name: 7, query: 'q' },
        { name: 'x', label_membership_type: 'sometimes' },
        { name: 'y', label_type: 'special' },
        { name: 'z', label_type: 2 },
        { name: 'w', label_membership_type: 'manual', hosts: 'spec-a' },
        { name: 'v', label_membership_type: 'manual', hosts: ['ok', 3] },
        'not an object',
        { name: 'u', query: 'q'.repeat(65_537), description: ['x'] },
      ),
      [
        { name: 'specs.0.name', reason: 'must be a string' },
        { name: 'specs.1.label_membership_type', reason: 'must be one of: dynamic, manual' },
        { name: 'specs.2.label_type', reason: 'must be one of: regular, builtin' },
        { name: 'specs.3.label_type', reason: 'must be one of: regular, builtin' },
        { name: 'specs.4.hosts', reason: 'must be an array of hostnames' },
        { name: 'specs.5.hosts', reason: 'must be an array of hostnames' },
        { name: 'specs.6', reason: 'must be an object' },
        { name: 'specs.7.description', reason: 'must be a string' },
        { name: 'specs.7.query', reason: 'is too long' },
      ],
    );
    validation(await applySpecs({ name: 'h'.repeat(256), query: 'q' }), [{ name: 'specs.0.name', reason: 'is too long' }]);
    validation(await applySpecs({ name: 'hh', label_membership_type: 'manual', hosts: ['h'.repeat(256)] }), [
      { name: 'specs.0.hosts', reason: 'hostnames must be at most 255 characters' },
    ]);
  });

  test('the body must be an object with a specs array', async () => {
    badRequest(await apply([]));
    badRequest(await apply('specs'));
    validation(await asAdmin(t.http().post(`${FLEET}/spec/labels`)), [{ name: 'specs', reason: 'missing required argument' }]);
    badRequest(await asAdmin(t.http().post(`${FLEET}/spec/labels`)).set('Content-Type', 'application/json').send('{"specs": ['));
    validation(await apply({}), [{ name: 'specs', reason: 'missing required argument' }]);
    validation(await apply({ specs: { name: 'x' } }), [{ name: 'specs', reason: 'must be an array' }]);
    const none = await apply({ specs: [] });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({});
  });

  test('builtins: an identical spec is a no-op; any change, or claiming builtin, is a 422', async () => {
    const res = await apply({ specs: BUILTIN_SPECS });
    expect(res.status).toBe(200);
    expect(changed()).toBe(0);
    // label_type as fleetctl's numeric form is accepted too.
    expect((await applySpecs({ ...BUILTIN_SPECS[2], label_type: 1 })).status).toBe(200);
    validation(await applySpecs({ ...BUILTIN_SPECS[0], query: 'select 2;' }), base('cannot modify built-in label All Hosts'));
    validation(await applySpecs({ ...BUILTIN_SPECS[1], label_type: 'regular' }), base('cannot modify built-in label macOS'));
    validation(await applySpecs({ name: 'macOS', query: BUILTIN_SPECS[1]!.query }), base('cannot modify built-in label macOS'));
    validation(await applySpecs({ ...BUILTIN_SPECS[1], name: 'MACOS' }), base('cannot modify built-in label macOS'));
    validation(await applySpecs({ name: 'pretend', query: 'select 1', label_type: 'builtin' }), [
      { name: 'base', reason: /^cannot create built-in label pretend/ },
    ]);
    validation(await applySpecs({ name: 'pretend', query: 'select 1', label_type: 1 }), [
      { name: 'base', reason: /^cannot create built-in label pretend/ },
    ]);
    expect(await t.ds.labelByName('pretend')).toBeNull();
    expect((await get('/labels/6')).body.label.query).toBe('select 1;');
    expect(changed()).toBe(0);
  });

  test('get → apply round trip changes nothing', async () => {
    await enrollHost(t, { hostname: 'rt-host' });
    await applySpecs(
      { name: 'rt-dyn', query: 'select 1 from system_info;', description: 'round', platform: 'windows' },
      { name: 'rt-manual', label_membership_type: 'manual', hosts: ['rt-host'] },
      { name: 'rt-empty', label_membership_type: 'manual', hosts: [] },
    );
    const before = (await get('/spec/labels')).body;
    const labelsBefore = (await get('/labels?order_key=id')).body.labels;
    expect(before.specs.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['All Hosts', 'rt-dyn', 'rt-manual', 'rt-empty']));
    const res = await apply(before);
    expect(res.status).toBe(200);
    expect((await get('/spec/labels')).body).toEqual(before);
    const labelsAfter = (await get('/labels?order_key=id')).body.labels;
    const strip = (ls: Array<Record<string, unknown>>) => ls.map(({ updated_at: _u, ...rest }) => rest);
    expect(strip(labelsAfter)).toEqual(strip(labelsBefore));
    expect(await members('rt-manual')).toEqual(['rt-host']);
  });
});
