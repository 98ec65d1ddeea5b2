import { expectAuthMatrix, makeCallers, matrixFor } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';
import { FLEET, KOLIDE, expectError } from './helpers';

describe('SSO', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  async function enableSso(): Promise<void> {
    const config = await t.ds.appConfig();
    config.sso_settings = { ...config.sso_settings, enable_sso: true, idp_name: 'Okta', idp_image_url: 'https://idp.example/logo.png', entity_id: 'fleet', metadata: '<xml/>' };
    await t.ds.saveAppConfig(config);
  }

  test('GET /sso: the public settings (defaults, then configured)', async () => {
    await t.setup();
    const res = await t.http().get(`${FLEET}/sso`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ settings: { idp_name: '', idp_image_url: '', sso_enabled: false } });
    await enableSso();
    const after = await t.http().get(`${KOLIDE}/sso`);
    expect(after.body).toEqual({ settings: { idp_name: 'Okta', idp_image_url: 'https://idp.example/logo.png', sso_enabled: true } });
    expect(JSON.stringify(after.body)).not.toContain('metadata');
  });

  test('GET /sso is public; before setup it is behind the setup gate', async () => {
    expect((await t.http().get(`${FLEET}/sso`)).status).toBe(404);
    const callers = await makeCallers(t, (await t.setup()).token);
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/sso`)), matrixFor('public'));
  });

  test('POST /sso answers a clear error, never a stub success', async () => {
    await t.setup();
    const off = await t.http().post(`${FLEET}/sso`).send({ relay_url: '/hosts' });
    expectError(off, 403, 'Permission Denied', [{ name: 'base', reason: 'SSO is not enabled' }]);
    await enableSso();
    const on = await t.http().post(`${KOLIDE}/sso`).send({ relay_url: '/hosts' });
    expectError(on, 403, 'Permission Denied', [{ name: 'base', reason: /not supported by this server yet/ }]);
  });

  test('POST /sso/callback (form-encoded, as an IdP posts it) answers the same error, not a JSON parse error', async () => {
    await t.setup();
    const res = await t.http().post(`${FLEET}/sso/callback`).type('form').send({ SAMLResponse: 'PHNhbWw+' });
    expectError(res, 403, 'Permission Denied', [{ name: 'base', reason: 'SSO is not enabled' }]);
    const json = await t.http().post(`${FLEET}/sso/callback`).send({});
    expect(json.status).toBe(403);
  });

  test('POST /sso: malformed JSON is still a 400', async () => {
    await t.setup();
    const res = await t.http().post(`${FLEET}/sso`).set('Content-Type', 'application/json').send('{');
    expect(res.status).toBe(400);
  });
});
