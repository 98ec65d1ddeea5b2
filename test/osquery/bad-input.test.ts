import { startAgentApp, type AgentTestApp } from './support';

describe('agent routes: bad input is a 4xx with {"error": reason}, never a 5xx', () => {
  let t: AgentTestApp;
  let nodeKey: string;
  beforeAll(async () => {
    t = await startAgentApp({ agentLimits: { small: 64 * 1024, write: 256 * 1024, log: 256 * 1024 } });
    ({ nodeKey } = await t.enroll('ubuntu'));
  });
  afterAll(async () => t?.close());

  const routes = ['enroll', 'config', 'distributed/read', 'distributed/write', 'log'];
  const notObjects = ['[]', '"text"', '42', 'null', 'true', '[{"node_key":"x"}]'];
  const malformed = ['', '{', '{"node_key":', '{"a":1,}', "{'a':1}", 'not json', '\u0000\u0001\u0002', '{"a":"\\x"}'];

  describe.each(routes)('%s', (route) => {
    it.each(malformed)('malformed JSON %j → 400', async (body) => {
      const res = await t.post(route, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^malformed JSON request body/);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    });

    it.each(notObjects)('body %s (not an object) → 400', async (body) => {
      const res = await t.post(route, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'request body must be a JSON object' });
    });

    it('a body over the limit → 413', async () => {
      const limit = route === 'distributed/write' || route === 'log' ? 256 * 1024 : 64 * 1024;
      const res = await t.post(route, JSON.stringify({ node_key: nodeKey, pad: 'x'.repeat(limit) }));
      expect(res.status).toBe(413);
      expect(res.body.error).toMatch(/request body too large/);
    });

    if (route !== 'enroll') {
      it('node_key of the wrong type → 400', async () => {
        for (const node_key of [1, true, {}, []]) {
          const res = await t.post(route, { node_key, log_type: 'result', data: [] });
          expect([node_key, res.status, res.body]).toEqual([node_key, 400, { error: 'node_key must be a string' }]);
        }
      });
    }
  });

  it('enroll: wrong types → 400 with the field named', async () => {
    const cases: Array<[unknown, string]> = [
      [{ enroll_secret: 1 }, 'enroll_secret must be a string'],
      [{ enroll_secret: 's', host_identifier: [] }, 'host_identifier must be a string'],
      [{ enroll_secret: 's', host_details: 'x' }, 'host_details must be an object of tables'],
      [{ enroll_secret: 's', host_details: { os_version: [] } }, 'host_details.os_version must be an object'],
      [{ enroll_secret: 's', host_details: { os_version: { major: 10 } } }, 'host_details.os_version.major must be a string'],
    ];
    for (const [body, error] of cases) {
      const res = await t.post('enroll', body);
      expect([res.status, res.body]).toEqual([400, { error }]);
    }
  });

  it('distributed/write: wrong shapes → 400', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ queries: [] }, /^queries must be an object$/],
      [{ queries: { fleet_label_query_6: 'x' } }, /queries.fleet_label_query_6 must be an array of rows/],
      [{ queries: { fleet_label_query_6: { a: 1 } } }, /must be an array of rows/],
      [{ queries: { fleet_label_query_6: ['row'] } }, /queries.fleet_label_query_6\[0\] must be an object/],
      [{ queries: { fleet_label_query_6: [[1]] } }, /\[0\] must be an object/],
      [{ queries: { fleet_label_query_6: [{ a: { b: 1 } }] } }, /\[0\].a must be a string/],
      [{ queries: {}, statuses: { x: 'ok' } }, /statuses.x must be an integer/],
      [{ queries: {}, statuses: { x: 1.5 } }, /statuses.x must be an integer/],
      [{ queries: {}, statuses: [] }, /statuses must be an object/],
      [{ queries: {}, messages: { x: {} } }, /messages.x must be a string/],
      [{ queries: { fleet_label_query_99999999999: [] } }, /invalid id/],
    ];
    for (const [body, error] of cases) {
      const res = await t.post('distributed/write', { ...(body as object), node_key: nodeKey });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(error);
    }
  });

  it('distributed/write: tolerated shapes (old agents, numeric strings, odd scalars)', async () => {
    const res = await t.post('distributed/write', {
      node_key: nodeKey,
      queries: { fleet_label_query_6: '', fleet_label_query_7: null, fleet_label_query_8: [{ '1': 1, x: null, y: true }] },
      statuses: { fleet_label_query_6: '0', fleet_label_query_7: 1 },
      messages: { fleet_label_query_7: null },
      stats: 'ignored',
      extra: { ignored: true },
    });
    expect(res.status).toBe(200);
  });

  it('other paths and methods fall through to the express app', async () => {
    expect((await t.agent().get('/api/v1/osquery/config')).status).toBe(404);
    expect((await t.agent().post('/api/v1/osquery/nope').send({})).status).toBe(404);
    expect((await t.agent().get('/healthz')).status).toBe(200);
    // A query string does not change the route.
    expect((await t.agent().post('/api/v1/osquery/distributed/read?x=1').send({ node_key: nodeKey })).status).toBe(200);
  });

  it('a url_prefix moves the agent routes', async () => {
    const p = await startAgentApp({ config: (c) => (c.server.url_prefix = '/fleet') });
    try {
      const body = { enroll_secret: '5upVppavMWlR6MMnUM6hXSLQvXmqAL04', host_identifier: 'h' };
      expect((await p.agent().post('/fleet/api/v1/osquery/enroll').send(body)).status).toBe(200);
      expect((await p.agent().post('/api/v1/osquery/enroll').send(body)).status).toBe(404);
    } finally {
      await p.close();
    }
  });

  it('counts agent requests in the Prometheus metrics by route name', async () => {
    await t.post('distributed/read', { node_key: nodeKey });
    const { text } = await t.agent().get('/metrics');
    expect(text).toMatch(/http_requests_total\{route="osquery_distributed_read",method="POST",status="200"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_count\{route="osquery_enroll",method="POST",status="200"\} \d+/);
  });
});
