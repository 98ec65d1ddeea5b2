// POST /queries/run, /queries/run_by_names, GET /status/result_store, /status/live_query.
import { TYPES } from '../../internal/container/identifiers';
import type { ResultPubSub } from '../../internal/livequery';
import { expectAuthMatrix, makeCallers, matrixFor, type CallerTokens } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';
import { FLEET, KOLIDE } from './helpers';
import { enrollHost, type EnrolledHost } from './host-fixtures';

describe('live query REST routes', () => {
  let t: TestApp;
  let admin: string;
  let host: EnrolledHost;

  beforeEach(async () => {
    t = await startTestApp();
    admin = (await t.setup()).token;
    host = await enrollHost(t, { hostname: 'web-1' });
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (path: string, body: unknown, token = admin) => t.http().post(`${FLEET}${path}`).set('Authorization', `Bearer ${token}`).send(body as object);

  test('POST /queries/run answers Fleet\'s campaign object with capitalised Metrics', async () => {
    const res = await post('/queries/run', { query: 'select 1', selected: { hosts: [host.host.id], labels: [] } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.campaign)).toEqual(['created_at', 'updated_at', 'Metrics', 'id', 'query_id', 'status', 'user_id']);
    expect(res.body.campaign).toMatchObject({
      Metrics: { TotalHosts: 1, OnlineHosts: 1, OfflineHosts: 0, MissingInActionHosts: 0, NewHosts: 1 },
      status: 0,
      user_id: 1,
    });
    expect(typeof res.body.campaign.id).toBe('number');
    expect(typeof res.body.campaign.query_id).toBe('number');
  });

  test('POST /queries/run_by_names on both prefixes; unknown names dropped', async () => {
    const res = await t.http().post(`${KOLIDE}/queries/run_by_names`).set('Authorization', `Bearer ${admin}`)
      .send({ query: 'select 1', selected: { hosts: ['web-1', 'ghost'], labels: ['nope'] } });
    expect(res.status).toBe(200);
    expect(res.body.campaign.Metrics.TotalHosts).toBe(1);
    const none = await post('/queries/run_by_names', { query: 'select 1', selected: { hosts: ['ghost'] } });
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual([{ name: 'selected', reason: 'no hosts targeted' }]);
  });

  test('bad input: 400 for a non-object body, 422 for missing/mistyped fields, nothing selected, ATTACH', async () => {
    expect((await post('/queries/run', [1])).status).toBe(400);
    const malformed = await t.http().post(`${FLEET}/queries/run`).set('Authorization', `Bearer ${admin}`).set('Content-Type', 'application/json').send('{"query":');
    expect(malformed.status).toBe(400);
    const missing = await post('/queries/run', { selected: { hosts: [host.host.id] } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ name: 'query', reason: 'missing required argument' }]);
    expect((await post('/queries/run', { query: 1, selected: { hosts: [host.host.id] } })).status).toBe(422);
    expect((await post('/queries/run', { query: 'select 1', selected: { hosts: ['x'] } })).status).toBe(422);
    expect((await post('/queries/run_by_names', { query: 'select 1', selected: { hosts: [1] } })).status).toBe(422);
    const nothing = await post('/queries/run', { query: 'select 1', selected: { hosts: [], labels: [] } });
    expect(nothing.status).toBe(422);
    expect(nothing.body.errors).toEqual([{ name: 'selected', reason: 'no hosts or labels selected' }]);
    const attach = await post('/queries/run', { query: "attach '/x' as y", selected: { hosts: [host.host.id] } });
    expect(attach.status).toBe(422);
    expect(attach.body.errors).toEqual([{ name: 'query', reason: 'ATTACH not allowed in queries' }]);
  });

  test('live queries disabled: 403 "live queries are disabled" on run and /status/live_query', async () => {
    const patch = await t.http().patch(`${FLEET}/config`).set('Authorization', `Bearer ${admin}`).send({ server_settings: { live_query_disabled: true } });
    expect(patch.status).toBe(200);
    const res = await post('/queries/run', { query: 'select 1', selected: { hosts: [host.host.id] } });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([{ name: 'base', reason: 'live queries are disabled' }]);
    const status = await t.http().get(`${FLEET}/status/live_query`).set('Authorization', `Bearer ${admin}`);
    expect(status.status).toBe(403);
    expect(status.body.errors[0].reason).toBe('live queries are disabled');
    expect((await t.http().get(`${FLEET}/status/result_store`).set('Authorization', `Bearer ${admin}`)).status).toBe(200);
  });

  test('status routes: 200 {} when healthy, 503 with the reason when the result store is down', async () => {
    for (const path of ['/status/result_store', '/status/live_query']) {
      const res = await t.http().get(`${FLEET}${path}`).set('Authorization', `Bearer ${admin}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    }
    const pubsub = t.container.get<ResultPubSub>(TYPES.ResultPubSub);
    jest.spyOn(pubsub, 'healthCheck').mockRejectedValue(new Error('connect ECONNREFUSED'));
    const down = await t.http().get(`${FLEET}/status/result_store`).set('Authorization', `Bearer ${admin}`);
    expect(down.status).toBe(503);
    expect(down.body.errors[0].reason).toBe('result store: connect ECONNREFUSED');
    expect((await t.http().get(`${FLEET}/status/live_query`).set('Authorization', `Bearer ${admin}`)).status).toBe(503);
    expect((await post('/queries/run', { query: 'select 1', selected: { hosts: [host.host.id] } })).status).toBe(503);
  });

  test('authorization matrix', async () => {
    const callers: CallerTokens = await makeCallers(t, admin);
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().post(`${FLEET}/queries/run`)).send({ query: 'select 1', selected: { hosts: [host.host.id] } }),
      matrixFor('auth'),
    );
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().post(`${FLEET}/queries/run_by_names`)).send({ query: 'select 1', selected: { hosts: ['web-1'] } }),
      matrixFor('auth'),
    );
    for (const path of ['/status/result_store', '/status/live_query']) {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}${path}`)), matrixFor('auth'));
    }
  });
});
