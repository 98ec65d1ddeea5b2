import { PASSWORD, startTestApp, type TestApp } from '../support/test-app';
import { FLEET, KOLIDE, badRequest, validation } from './helpers';

const ADMIN = { username: 'admin', email: 'admin@example.com', password: PASSWORD, admin: true, name: 'Admin' };
const body = (over: Record<string, unknown> = {}) => ({
  admin: ADMIN,
  org_info: { org_name: 'Acme', org_logo_url: 'https://acme.example/logo.png' },
  kolide_server_url: 'https://fleet.example.com/',
  ...over,
});

describe('setup', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  test('before setup every API path but setup answers the plain 404 page', async () => {
    for (const path of [`${FLEET}/login`, `${KOLIDE}/login`, `${FLEET}/me`, `${FLEET}/users`]) {
      const res = await t.http().post(path).send({ username: 'admin', password: PASSWORD });
      expect(res.status).toBe(404);
      expect(res.text).toBe('404 page not found\n');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    }
  });

  test('an http:// server URL is refused with 422 on kolide_server_url', async () => {
    const res = await t.http().post('/api/v1/setup').send(body({ kolide_server_url: 'http://fleet.example.com' }));
    validation(res, [{ name: 'kolide_server_url', reason: 'url scheme must be https' }]);
    expect(await t.ds.countUsers()).toBe(0);
  });

  test('setup creates the admin, the default enroll secret and logs the admin in', async () => {
    const res = await t.http().post('/api/v1/setup').send(body());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      admin: { id: expect.any(Number), username: 'admin', email: 'admin@example.com', admin: true, enabled: true, force_password_reset: false },
      org_info: { org_name: 'Acme', org_logo_url: 'https://acme.example/logo.png' },
      kolide_server_url: 'https://fleet.example.com',
      osquery_enroll_secret: null,
      token: expect.any(String),
    });
    expect(res.body.admin).not.toHaveProperty('password_hash');
    expect(res.body.admin).not.toHaveProperty('salt');

    const secrets = await t.ds.enrollSecrets();
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatchObject({ name: 'default', active: true });
    expect(secrets[0]!.secret).toMatch(/^[A-Za-z0-9+/]{32}$/);

    const me = await t.http().get(`${FLEET}/me`).set('Authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('admin');
  });

  test('a second setup answers 404 (fleetctl reads it as "already set up")', async () => {
    expect((await t.http().post('/api/v1/setup').send(body())).status).toBe(200);
    const again = await t.http().post('/api/v1/setup').send(body({ admin: { ...ADMIN, username: 'other', email: 'o@example.com' } }));
    expect(again.status).toBe(404);
    expect(await t.ds.countUsers()).toBe(1);
  });

  test('after setup the login route is served', async () => {
    await t.setup();
    const res = await t.http().post(`${FLEET}/login`).send({ username: 'admin', password: PASSWORD });
    expect(res.status).toBe(200);
  });

  describe('bad input is a 4xx, never a 500', () => {
    test('malformed JSON → 400', async () => {
      const res = await t.http().post('/api/v1/setup').set('Content-Type', 'application/json').send('{"admin":');
      badRequest(res);
    });

    test('a body that is not an object → 400', async () => {
      badRequest(await t.http().post('/api/v1/setup').send([1, 2]));
      badRequest(await t.http().post('/api/v1/setup').set('Content-Type', 'application/json').send('"text"'));
    });

    test('missing admin and URL → 422 missing required argument', async () => {
      const res = await t.http().post('/api/v1/setup').send({});
      validation(res, [
        { name: 'admin', reason: 'missing required argument' },
        { name: 'kolide_server_url', reason: 'missing required argument' },
      ]);
    });

    test('missing admin fields → 422 per field', async () => {
      const res = await t.http().post('/api/v1/setup').send(body({ admin: {} }));
      expect(res.status).toBe(422);
      const names = res.body.errors.map((e: { name: string }) => e.name);
      expect(names).toEqual(expect.arrayContaining(['admin.username', 'admin.email', 'admin.password']));
      for (const e of res.body.errors) expect(e.reason).toBe('missing required argument');
    });

    test('a weak admin password is refused (the complexity rule applies to setup too)', async () => {
      const res = await t.http().post('/api/v1/setup').send(body({ admin: { ...ADMIN, password: 'password' } }));
      validation(res, [{ name: 'admin.password', reason: 'password does not meet validation requirements' }]);
    });

    test('wrong types → 422', async () => {
      const res = await t.http().post('/api/v1/setup').send(body({ kolide_server_url: 42, admin: { ...ADMIN, admin: 'yes' } }));
      expect(res.status).toBe(422);
    });

    test('huge strings → 422', async () => {
      const res = await t.http().post('/api/v1/setup').send(body({ admin: { ...ADMIN, username: 'x'.repeat(10_000) } }));
      validation(res, [{ name: 'admin.username', reason: 'is too long' }]);
    });

    test('other methods on /api/v1/setup → 405', async () => {
      const res = await t.http().get('/api/v1/setup');
      expect(res.status).toBe(405);
      expect(res.text).toBe('');
    });
  });
});
