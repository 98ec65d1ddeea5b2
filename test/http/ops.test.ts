import { startTestApp, type TestApp } from '../support/test-app';

describe('operations endpoints', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('/healthz answers 200 with an empty body when every backing service answers', async () => {
    t = await startTestApp();
    const res = await t.http().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('/healthz answers 500 naming the service that failed', async () => {
    t = await startTestApp({
      health: [
        { name: 'datastore', check: async () => undefined },
        { name: 'redis', check: async () => Promise.reject(new Error('ECONNREFUSED')) },
      ],
    });
    const res = await t.http().get('/healthz');
    expect(res.status).toBe(500);
    expect(res.body.errors).toEqual([{ name: 'redis', reason: 'unhealthy' }]);
  });

  it('/healthz is reachable before setup (outside the setup gate)', async () => {
    t = await startTestApp();
    expect((await t.http().get('/healthz')).status).toBe(200);
    expect((await t.http().get('/api/v1/fleet/config')).text).toBe('404 page not found\n');
  });

  it('/version answers build information to any method without auth', async () => {
    t = await startTestApp();
    for (const method of ['get', 'post'] as const) {
      const res = await t.http()[method]('/version');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['version', 'branch', 'revision', 'go_version', 'build_date', 'build_user']);
      expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('/metrics exposes request counts and latencies per route name and status', async () => {
    t = await startTestApp();
    await t.setup();
    await t.http().post('/api/v1/fleet/login').send({ username: 'admin', password: 'wrong-1!' });
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/http_requests_total\{route="login",method="POST",status="401"\} 1/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{le="[^"]+",route="setup",method="POST",status="200"\}/);
    expect(res.text).toMatch(/process_resident_memory_bytes/);
  });
});

describe('HTTP conventions', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await startTestApp();
    ({ token } = await t.setup());
  });
  afterEach(async () => t.close());

  it('answers pretty-printed JSON with a trailing newline', async () => {
    const res = await t.http().get('/api/v1/fleet/me').set('Authorization', `Bearer ${token}`);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toBe(JSON.stringify(res.body, null, 2) + '\n');
  });

  it('serves every route under both prefixes', async () => {
    const fleet = await t.http().get('/api/v1/fleet/me').set('Authorization', `Bearer ${token}`);
    const kolide = await t.http().get('/api/v1/kolide/me').set('Authorization', `Bearer ${token}`);
    expect(kolide.status).toBe(200);
    expect(kolide.body).toEqual(fleet.body);
  });

  it('answers malformed JSON with 400 in Fleet error shape', async () => {
    const res = await t.http().post('/api/v1/fleet/login').set('Content-Type', 'application/json').send('{"username": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'Bad Request', errors: [{ name: 'base', reason: 'malformed JSON body' }] });
  });

  it('parses JSON bodies whatever their Content-Type, as Fleet did', async () => {
    const res = await t.http()
      .post('/api/v1/fleet/login')
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ username: 'admin', password: 'p4ssw0rd!' }));
    expect(res.status).toBe(200);
  });

  it('refuses a body over the size limit with 413 before parsing it', async () => {
    const res = await t.http()
      .post('/api/v1/fleet/login')
      .send({ username: 'admin', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.message).toBe('Payload Too Large');
  });

  it('answers a known path with the wrong method 405 and an empty body', async () => {
    const res = await t.http().put('/api/v1/fleet/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(405);
    expect(res.text).toBe('');
  });

  it('answers unknown API paths with the plain 404 page', async () => {
    const res = await t.http().get('/api/v1/fleet/nope');
    expect(res.status).toBe(404);
    expect(res.text).toBe('404 page not found\n');
  });
});

describe('url_prefix', () => {
  it('serves every route only under the prefix', async () => {
    const t = await startTestApp({ config: (c) => (c.server.url_prefix = '/fleet') });
    try {
      expect((await t.http().get('/fleet/healthz')).status).toBe(200);
      expect((await t.http().get('/healthz')).status).toBe(404);
      const setup = await t.http()
        .post('/fleet/api/v1/setup')
        .send({
          admin: { username: 'admin', email: 'a@example.com', password: 'p4ssw0rd!', admin: true },
          kolide_server_url: 'https://fleet.example.com',
        });
      expect(setup.status).toBe(200);
      expect((await t.http().post('/api/v1/fleet/login').send({ username: 'admin', password: 'p4ssw0rd!' })).status).toBe(404);
      expect((await t.http().post('/fleet/api/v1/fleet/login').send({ username: 'admin', password: 'p4ssw0rd!' })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
