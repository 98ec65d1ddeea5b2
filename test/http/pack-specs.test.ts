import { expectAuthMatrix, matrixFor } from '../support/auth-matrix';
import { startTestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, notFound, validation } from './helpers';
import { enrollHost } from './host-fixtures';
import { type AdminApp, queryPackClient, useAdminApp } from './query-fixtures';

let { t, callers, c, ev } = {} as AdminApp;
useAdminApp((app) => ({ t, callers, c, ev } = app));

const apply = (...specs: unknown[]) => c.post('/spec/packs', { specs });
const INTERVAL = 'must be an integer from 1 to 604800 (seconds)';

/** A fresh app with two saved queries (`osquery_info`, `processes`) and a label `servers`. */
async function freshApp() {
  const s = await startTestApp();
  const token = (await s.setup()).token;
  const sc = queryPackClient(s, () => token);
  await sc.post('/spec/queries', {
    specs: [
      { name: 'osquery_info', query: 'select * from osquery_info;' },
      { name: 'processes', query: 'select * from processes;' },
    ],
  });
  await sc.post('/labels', { name: 'servers', query: 'select 1' });
  return { s, sc };
}

describe('authorization', () => {
  test('the spec routes are open to any logged-in user, on both prefixes', async () => {
    const pack = await c.newPack();
    const m = matrixFor('auth');
    for (const prefix of [FLEET, KOLIDE]) {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/spec/packs`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${prefix}/spec/packs/${encodeURIComponent(pack.name)}`)), m);
      await expectAuthMatrix(callers, (auth) => auth(t.http().post(`${prefix}/spec/packs`).send({ specs: [{ name: c.unique('authz') }] })), m);
    }
  });
});

describe('GET /spec/packs', () => {
  test('§18.49: no packs → {"specs": null}', async () => {
    const s = await startTestApp();
    try {
      const token = (await s.setup()).token;
      const res = await queryPackClient(s, () => token).get('/spec/packs');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ specs: null });
    } finally {
      await s.close();
    }
  });

  test('fleetctl’s shape: id, disabled always, targets.labels null when none, queries omitted when none', async () => {
    const { s, sc } = await freshApp();
    try {
      expect((await sc.post('/spec/packs', { specs: [{ name: 'empty' }] })).status).toBe(200);
      expect(
        (
          await sc.post('/spec/packs', {
            specs: [
              {
                name: 'monitoring',
                description: 'watch',
                platform: 'linux',
                disabled: true,
                targets: { labels: ['All Hosts', 'SERVERS'] },
                queries: [
                  { query: 'osquery_info', interval: 3600 },
                  {
                    query: 'processes',
                    name: 'procs',
                    description: 'all processes',
                    interval: 60,
                    snapshot: true,
                    removed: false,
                    shard: 50,
                    platform: 'linux',
                    version: '4.6.0',
                    denylist: false,
                  },
                ],
              },
            ],
          })
        ).status,
      ).toBe(200);
      const res = await sc.get('/spec/packs');
      expect(res.status).toBe(200);
      const [empty, monitoring] = res.body.specs;
      expect(empty).toEqual({ id: expect.any(Number), name: 'empty', disabled: false, targets: { labels: null } });
      expect(Object.keys(empty)).toEqual(['id', 'name', 'disabled', 'targets']);
      expect(Object.keys(monitoring)).toEqual(['id', 'name', 'description', 'platform', 'disabled', 'targets', 'queries']);
      expect(monitoring).toMatchObject({ name: 'monitoring', description: 'watch', platform: 'linux', disabled: true });
      expect(monitoring.targets.labels.map((l: string) => l.toLowerCase()).sort()).toEqual(['all hosts', 'servers']);
      expect(monitoring.queries).toEqual([
        { query: 'osquery_info', name: 'osquery_info', description: '', interval: 3600 },
        {
          query: 'processes',
          name: 'procs',
          description: 'all processes',
          interval: 60,
          snapshot: true,
          removed: false,
          shard: 50,
          platform: 'linux',
          version: '4.6.0',
          denylist: false,
        },
      ]);
      expect(Object.keys(monitoring.queries[1])).toEqual([
        'query',
        'name',
        'description',
        'interval',
        'snapshot',
        'removed',
        'shard',
        'platform',
        'version',
        'denylist',
      ]);
      const one = await sc.get('/spec/packs/MONITORING');
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ specs: monitoring });
      const pack = (await sc.get(`/packs/${monitoring.id}`)).body.pack;
      expect(pack).toMatchObject({ name: 'monitoring', disabled: true, query_count: 2 });
    } finally {
      await s.close();
    }
  });

  test('GET /spec/packs/{name}: unknown → 404 `Pack <name> …`', async () => {
    notFound(await c.get('/spec/packs/nope'), 'Pack nope was not found in the datastore');
    expect((await c.get(`/spec/packs/${'n'.repeat(3000)}`)).status).toBe(404);
    expect((await c.get('/spec/packs/%ZZ')).status).toBe(400);
  });
});

describe('POST /spec/packs', () => {
  test('§18.48: replaces all scheduled queries (new ids) and drops explicit host targets; tells the agents', async () => {
    const q = await c.newQuery();
    const h = await enrollHost(t);
    const pack = await c.newPack({ host_ids: [h.host.id], label_ids: [6] });
    const old = await c.schedule(pack.id, q.id);
    ev.reset();
    const res = await apply({ name: pack.name, description: 'from spec', queries: [{ query: q.name, name: 'again', interval: 30 }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(ev.configChanges()).toBe(1);
    const got = (await c.get(`/packs/${pack.id}`)).body.pack;
    expect(got).toMatchObject({ id: pack.id, description: 'from spec', host_ids: [], label_ids: [], query_count: 1 });
    expect((await c.get(`/schedule/${old.id}`)).status).toBe(404);
    const scheduled = (await c.get(`/packs/${pack.id}/scheduled`)).body.scheduled;
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ name: 'again', query_id: q.id, interval: 30 });
    expect(scheduled[0].id).not.toBe(old.id);
  });

  test('the same query may be scheduled under several names; name defaults to the query', async () => {
    const q = await c.newQuery();
    const name = c.unique('multi');
    expect((await apply({ name, queries: [{ query: q.name, interval: 60 }, { query: q.name, name: '', interval: 60 }] })).status).toBe(422);
    expect((await apply({ name, queries: [{ query: q.name, interval: 60 }, { query: q.name, name: 'hourly', interval: 3600 }] })).status).toBe(200);
    const spec = (await c.get(`/spec/packs/${name}`)).body.specs;
    expect(spec.queries.map((x: { name: string }) => x.name)).toEqual([q.name, 'hourly']);
  });

  test('unknown queries and labels are 422 naming them; the whole batch is rolled back', async () => {
    const q = await c.newQuery();
    ev.reset();
    const first = c.unique('first');
    const second = c.unique('second');
    validation(
      await apply(
        { name: first, queries: [{ query: q.name, interval: 60 }] },
        { name: second, targets: { labels: ['no such label'] }, queries: [{ query: 'no such query', interval: 60 }] },
      ),
      [
        { name: 'specs.1.targets.labels.0', reason: `applying pack '${second}': unknown label 'no such label'` },
        { name: 'specs.1.queries.0.query', reason: `applying pack '${second}': cannot schedule unknown query 'no such query'` },
      ],
    );
    expect(await t.ds.packByName(first)).toBeNull();
    expect(await t.ds.packByName(second)).toBeNull();
    expect(ev.configChanges()).toBe(0);
  });

  test('values are checked for the whole batch first (422, every reason)', async () => {
    const q = await c.newQuery();
    ev.reset();
    const name = c.unique('bad');
    validation(
      await apply(
        { name: '' },
        {
          name,
          targets: { labels: [''] },
          queries: [
            { query: q.name, interval: 0 },
            { query: q.name, name: q.name.toUpperCase(), interval: 60, shard: 101, platform: 'mac;', version: 'x' },
            { query: '', name: 'n', interval: 60 },
          ],
        },
        { name: name.toUpperCase() },
      ),
      [
        { name: 'specs.0.name', reason: 'pack name must not be empty' },
        { name: 'specs.1.targets.labels.0', reason: 'label name must not be empty' },
        { name: 'specs.1.queries.0.interval', reason: INTERVAL },
        { name: 'specs.1.queries.1.name', reason: `duplicate scheduled query name '${q.name.toUpperCase()}' in pack '${name}' (also queries.0)` },
        { name: 'specs.1.queries.1.shard', reason: 'must be an integer from 0 to 100' },
        { name: 'specs.1.queries.1.platform', reason: /^must be empty or a comma-separated list of lowercase platform names/ },
        { name: 'specs.1.queries.1.version', reason: 'must be empty or an osquery version like 4.6.0' },
        { name: 'specs.1.queries.2.query', reason: 'query must not be empty' },
        { name: 'specs.2.name', reason: `duplicate pack name '${name.toUpperCase()}' (also specs.1)` },
      ],
    );
    expect(await t.ds.packByName(name)).toBeNull();
    expect(ev.configChanges()).toBe(0);
  });

  test('types: specs, fields, targets and queries; required query and interval; 400 for a non-object body', async () => {
    validation(await c.post('/spec/packs', {}), [{ name: 'specs', reason: 'missing required argument' }]);
    validation(await c.post('/spec/packs', { specs: 'x' }), [{ name: 'specs', reason: 'must be an array' }]);
    validation(await apply(1), [{ name: 'specs.0', reason: 'must be an object' }]);
    validation(await apply({}), [{ name: 'specs.0.name', reason: 'missing required argument' }]);
    validation(await apply({ name: 1, description: 2, platform: 3, disabled: 'no' }), [
      { name: 'specs.0.name', reason: 'must be a string' },
      { name: 'specs.0.description', reason: 'must be a string' },
      { name: 'specs.0.platform', reason: 'must be a string' },
      { name: 'specs.0.disabled', reason: 'must be a boolean' },
    ]);
    validation(await apply({ name: 'x', targets: [] }), [{ name: 'specs.0.targets', reason: 'must be an object' }]);
    validation(await apply({ name: 'x', targets: { labels: 'All Hosts' } }), [{ name: 'specs.0.targets.labels', reason: 'must be an array of strings' }]);
    validation(await apply({ name: 'x', targets: { labels: [6] } }), [{ name: 'specs.0.targets.labels', reason: 'must be an array of strings' }]);
    validation(await apply({ name: 'x', queries: {} }), [{ name: 'specs.0.queries', reason: 'must be an array' }]);
    validation(await apply({ name: 'x', queries: [null, 'q'] }), [
      { name: 'specs.0.queries.0', reason: 'must be an object' },
      { name: 'specs.0.queries.1', reason: 'must be an object' },
    ]);
    validation(await apply({ name: 'x', queries: [{}] }), [
      { name: 'specs.0.queries.0.query', reason: 'missing required argument' },
      { name: 'specs.0.queries.0.interval', reason: 'missing required argument' },
    ]);
    validation(await apply({ name: 'x', queries: [{ query: 'q', interval: '60', snapshot: 1, shard: 'abc', version: 4 }] }), [
      { name: 'specs.0.queries.0.interval', reason: 'must be an integer' },
      { name: 'specs.0.queries.0.snapshot', reason: 'must be a boolean' },
      { name: 'specs.0.queries.0.shard', reason: 'must be an integer, a numeric string or ""' },
      { name: 'specs.0.queries.0.version', reason: 'must be a string' },
    ]);
    validation(await apply({ name: 'x'.repeat(256), description: HUGE }), [
      { name: 'specs.0.name', reason: 'is too long' },
      { name: 'specs.0.description', reason: 'is too long' },
    ]);
    badRequest(await c.post('/spec/packs', [{ name: 'x' }]));
    badRequest(await c.raw('post', '/spec/packs', '{"specs": [{"name": "x"},]}'));
    expect(ev.configChanges()).toBe(0);
  });

  test('an empty batch is a no-op; `id` in a spec is ignored', async () => {
    expect((await apply()).status).toBe(200);
    expect(ev.configChanges()).toBe(0);
    const name = c.unique('ided');
    expect((await apply({ id: 999_999, name })).status).toBe(200);
    const spec = (await c.get(`/spec/packs/${name}`)).body.specs;
    expect(spec.id).not.toBe(999_999);
    expect((await c.get(`/packs/${spec.id}`)).body.pack.name).toBe(name);
  });

  test('round trip: applying GET /spec/packs output again changes nothing (but scheduled-query ids)', async () => {
    const { s, sc } = await freshApp();
    try {
      const specs = [
        { name: 'plain' },
        { name: 'labelled', description: 'd', platform: 'darwin', disabled: true, targets: { labels: ['servers', 'All Hosts'] } },
        {
          name: 'scheduled',
          targets: { labels: ['macOS'] },
          queries: [
            { query: 'osquery_info', interval: 3600, snapshot: true },
            { query: 'osquery_info', name: 'info_daily', description: 'daily', interval: 86_400, removed: true, shard: 0 },
            { query: 'processes', interval: 60, platform: 'linux,darwin', version: '4.6.0', denylist: true },
          ],
        },
      ];
      expect((await sc.post('/spec/packs', { specs })).status).toBe(200);
      const snapshot = async () => {
        const spec = (await sc.get('/spec/packs')).body;
        const packs = (await sc.get('/packs')).body.packs.map((p: Record<string, unknown>) => ({ ...p, updated_at: 0 }));
        const scheduled = [];
        for (const p of packs) {
          const list = (await sc.get(`/packs/${p.id}/scheduled`)).body.scheduled;
          scheduled.push(...list.map((x: Record<string, unknown>) => ({ ...x, id: 0, created_at: 0, updated_at: 0 })));
        }
        return { spec, packs, scheduled };
      };
      const before = await snapshot();
      expect(before.scheduled).toHaveLength(3);
      const res = await sc.post('/spec/packs', before.spec);
      expect(res.status).toBe(200);
      const after = await snapshot();
      expect(after).toEqual(before);
    } finally {
      await s.close();
    }
  });
});
