import { createServer, type AddressInfo } from 'node:net';
import { expectAuthMatrix, makeCallers, matrixFor, withToken, type CallerTokens } from '../support/auth-matrix';
import { TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const CONFIG = '/api/v1/fleet/config';

/** SMTP settings that reach a TestSmtpServer on loopback (plain connection, no TLS). */
function smtpTo(server: TestSmtpServer, extra: Record<string, unknown> = {}) {
  return {
    enable_smtp: true,
    server: '127.0.0.1',
    port: server.port,
    sender_address: 'fleet@example.com',
    authentication_type: 'authtype_none',
    enable_ssl_tls: false,
    enable_start_tls: false,
    ...extra,
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('GET /config', () => {
  let t: TestApp;
  let admin: string;
  let callers: CallerTokens;
  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.setup()).token;
    callers = await makeCallers(t, admin);
  });
  afterAll(async () => t.close());

  it('shows an admin all six sections in Fleet field order, with the SMTP password masked', async () => {
    const res = await withToken(t.http().get(CONFIG), admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(res.body)).toEqual([
      'org_info',
      'server_settings',
      'smtp_settings',
      'sso_settings',
      'host_expiry_settings',
      'host_settings',
    ]);
    expect(res.body).toEqual({
      org_info: { org_name: 'Acme', org_logo_url: '' },
      server_settings: { kolide_server_url: 'https://fleet.example.com', live_query_disabled: false },
      smtp_settings: {
        enable_smtp: false,
        configured: false,
        sender_address: '',
        server: '',
        port: 587,
        authentication_type: 'authtype_username_password',
        user_name: '',
        password: '********',
        enable_ssl_tls: true,
        authentication_method: 'authmethod_plain',
        domain: '',
        verify_ssl_certs: true,
        enable_start_tls: true,
      },
      sso_settings: {
        entity_id: '',
        issuer_uri: '',
        idp_image_url: '',
        metadata: '',
        metadata_url: '',
        idp_name: '',
        enable_sso: false,
      },
      host_expiry_settings: { host_expiry_enabled: false, host_expiry_window: 0 },
      host_settings: { additional_queries: null },
    });
    expect(Object.keys(res.body.smtp_settings)).toEqual([
      'enable_smtp',
      'configured',
      'sender_address',
      'server',
      'port',
      'authentication_type',
      'user_name',
      'password',
      'enable_ssl_tls',
      'authentication_method',
      'domain',
      'verify_ssl_certs',
      'enable_start_tls',
    ]);
    expect(Object.keys(res.body.sso_settings)).toEqual([
      'entity_id',
      'issuer_uri',
      'idp_image_url',
      'metadata',
      'metadata_url',
      'idp_name',
      'enable_sso',
    ]);
  });

  it('shows a non-admin exactly org_info, server_settings and host_settings (§18 item 27)', async () => {
    const res = await withToken(t.http().get(CONFIG), callers.tokens.user);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['org_info', 'server_settings', 'host_settings']);
    expect(res.body.host_settings).toEqual({ additional_queries: null });
  });

  it('is served under the kolide prefix as well', async () => {
    const res = await withToken(t.http().get('/api/v1/kolide/config'), admin);
    expect(res.status).toBe(200);
    expect(res.body.org_info.org_name).toBe('Acme');
  });

  it('needs an active account', async () => {
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(CONFIG)), matrixFor('active'));
  });
});

describe('PATCH /config', () => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp();
    admin = (await t.setup()).token;
  });
  afterEach(async () => t.close());

  const patch = (body: unknown, token = admin) => withToken(t.http().patch(CONFIG), token).send(body as object);
  const get = async () => (await withToken(t.http().get(CONFIG), admin)).body;

  describe('merge rules', () => {
    it('changes only what is sent and answers the admin shape without host_settings (§18 item 28)', async () => {
      await patch({ host_settings: { additional_queries: { time: 'select * from time' } } }).expect(200);
      const before = await get();
      const res = await patch({ org_info: { org_name: 'X' } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual([
        'org_info',
        'server_settings',
        'smtp_settings',
        'sso_settings',
        'host_expiry_settings',
      ]);
      expect(res.body.org_info).toEqual({ org_name: 'X', org_logo_url: '' });
      const after = await get();
      expect(after).toEqual({ ...before, org_info: { ...before.org_info, org_name: 'X' } });
    });

    it('treats null fields and null sections as "keep"', async () => {
      await patch({ org_info: { org_name: 'Kept', org_logo_url: 'https://logo.example.com/a.png' } }).expect(200);
      await patch({ org_info: { org_name: null }, server_settings: null, smtp_settings: null }).expect(200);
      const c = await get();
      expect(c.org_info).toEqual({ org_name: 'Kept', org_logo_url: 'https://logo.example.com/a.png' });
      expect(c.server_settings.kolide_server_url).toBe('https://fleet.example.com');
    });

    it('overwrites with empty strings and false, which are values, not absence', async () => {
      await patch({ org_info: { org_name: '' }, smtp_settings: { enable_ssl_tls: false } }).expect(200);
      const c = await get();
      expect(c.org_info.org_name).toBe('');
      expect(c.smtp_settings.enable_ssl_tls).toBe(false);
    });

    it('stores additional_queries, keeps them on null and clears them with {}', async () => {
      const queries = { time: 'select * from time', users: 'select * from users' };
      const res = await patch({ host_settings: { additional_queries: queries } });
      expect(res.status).toBe(200);
      expect(res.body.host_settings).toBeUndefined();
      expect((await get()).host_settings).toEqual({ additional_queries: queries });
      await patch({ host_settings: { additional_queries: null } }).expect(200);
      expect((await get()).host_settings).toEqual({ additional_queries: queries });
      await patch({ host_settings: {} }).expect(200);
      expect((await get()).host_settings).toEqual({ additional_queries: queries });
      await patch({ host_settings: { additional_queries: {} } }).expect(200);
      expect((await get()).host_settings).toEqual({ additional_queries: {} });
    });

    it('trims white space and trailing slashes off kolide_server_url, and accepts http', async () => {
      await patch({ server_settings: { kolide_server_url: ' \t https://fleet.acme.test:8412/// \n' } }).expect(200);
      expect((await get()).server_settings.kolide_server_url).toBe('https://fleet.acme.test:8412');
      await patch({ server_settings: { kolide_server_url: 'http://fleet.internal/' } }).expect(200);
      expect((await get()).server_settings.kolide_server_url).toBe('http://fleet.internal');
    });

    it('sets live_query_disabled', async () => {
      const res = await patch({ server_settings: { live_query_disabled: true } });
      expect(res.body.server_settings).toEqual({ kolide_server_url: 'https://fleet.example.com', live_query_disabled: true });
      expect((await get()).server_settings.live_query_disabled).toBe(true);
    });

    it('stores host expiry settings (the expiry job itself comes with hosts)', async () => {
      const res = await patch({ host_expiry_settings: { host_expiry_enabled: true, host_expiry_window: 30 } });
      expect(res.status).toBe(200);
      expect(res.body.host_expiry_settings).toEqual({ host_expiry_enabled: true, host_expiry_window: 30 });
      await patch({ host_expiry_settings: { host_expiry_enabled: false } }).expect(200);
      expect((await get()).host_expiry_settings).toEqual({ host_expiry_enabled: false, host_expiry_window: 30 });
    });

    it('ignores fields it does not know, and the read-only configured flag', async () => {
      const res = await patch({ smtp_settings: { configured: true, smtp_test: true }, nonsense: { a: 1 } });
      expect(res.status).toBe(200);
      expect(res.body.smtp_settings.configured).toBe(false);
      expect(res.body).not.toHaveProperty('nonsense');
    });

    it('accepts an empty object and changes nothing', async () => {
      const before = await get();
      await patch({}).expect(200);
      expect(await get()).toEqual(before);
    });

    it('stores valid SSO settings', async () => {
      const sso = {
        enable_sso: true,
        entity_id: 'fleet.acme',
        idp_name: 'Okta',
        metadata_url: 'https://idp.acme.test/metadata',
        issuer_uri: 'https://idp.acme.test/sso',
      };
      const res = await patch({ sso_settings: sso });
      expect(res.status).toBe(200);
      expect(res.body.sso_settings).toEqual({ ...sso, idp_image_url: '', metadata: '' });
    });
  });

  describe('SMTP password', () => {
    it('always reads back as ******** (§18 item 29)', async () => {
      const res = await patch({ smtp_settings: { user_name: 'fleet', password: 's3cret' } });
      expect(res.body.smtp_settings.password).toBe('********');
      expect((await get()).smtp_settings.password).toBe('********');
      expect((await t.ds.appConfig()).smtp_settings.password).toBe('s3cret');
    });

    it('is kept when ******** is sent back, replaced otherwise', async () => {
      await patch({ smtp_settings: { password: 's3cret' } }).expect(200);
      await patch({ smtp_settings: { password: '********', user_name: 'fleet' } }).expect(200);
      expect((await t.ds.appConfig()).smtp_settings.password).toBe('s3cret');
      await patch({ smtp_settings: { password: 'n3w' } }).expect(200);
      expect((await t.ds.appConfig()).smtp_settings.password).toBe('n3w');
    });
  });

  describe('SMTP test mail', () => {
    let smtp: TestSmtpServer;
    afterEach(async () => smtp?.stop());

    it('enable_smtp true sends "Hello from Fleet" to the calling admin and marks SMTP configured', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      const res = await patch({ smtp_settings: smtpTo(smtp) });
      expect(res.status).toBe(200);
      expect(res.body.smtp_settings).toMatchObject({ enable_smtp: true, configured: true, server: '127.0.0.1', port: smtp.port });
      const mail = await smtp.waitFor(1);
      expect(mail.to).toEqual(['admin@example.com']);
      expect(mail.from).toBe('fleet@example.com');
      expect(mail.raw).toMatch(/^Subject: Hello from Fleet/m);
      expect((await get()).smtp_settings).toMatchObject({ enable_smtp: true, configured: true });
    });

    it('sends to the calling admin, whoever that is', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      const other = await t.createUser({ username: 'ops', email: 'ops@example.com', admin: true });
      await patch({ smtp_settings: smtpTo(smtp) }, other.token).expect(200);
      expect((await smtp.waitFor(1)).to).toEqual(['ops@example.com']);
    });

    it('authenticates with the configured user name and password (SMTP AUTH)', async () => {
      smtp = new TestSmtpServer({ auth: { user: 'fleet', pass: 'sm7p-pass' } });
      await smtp.start();
      const auth = { authentication_type: 'authtype_username_password', authentication_method: 'authmethod_plain', user_name: 'fleet' };
      const bad = await patch({ smtp_settings: smtpTo(smtp, { ...auth, password: 'wrong' }) });
      expect(bad.status).toBe(500);
      expect(bad.body.message).toBe('Mail Error');
      const res = await patch({ smtp_settings: smtpTo(smtp, { ...auth, password: 'sm7p-pass' }) });
      expect(res.status).toBe(200);
      expect(res.body.smtp_settings.configured).toBe(true);
      await smtp.waitFor(1);
    });

    it('tests with the stored password when ******** is sent back', async () => {
      smtp = new TestSmtpServer({ auth: { user: 'fleet', pass: 'sm7p-pass' } });
      await smtp.start();
      const auth = { authentication_type: 'authtype_username_password', user_name: 'fleet' };
      await patch({ smtp_settings: smtpTo(smtp, { ...auth, password: 'sm7p-pass' }) }).expect(200);
      await patch({ smtp_settings: smtpTo(smtp, { ...auth, password: '********' }) }).expect(200);
      await smtp.waitFor(2);
      expect((await t.ds.appConfig()).smtp_settings.password).toBe('sm7p-pass');
    });

    it('a rejected message is a 500 Mail Error and nothing of the patch is saved', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      smtp.failWith = 'mailbox unavailable';
      const before = await t.ds.appConfig();
      const res = await patch({ org_info: { org_name: 'Not saved' }, smtp_settings: smtpTo(smtp) });
      expect(res.status).toBe(500);
      expect(res.body.message).toBe('Mail Error');
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].name).toBe('base');
      expect(res.body.errors[0].reason).toMatch(/^sending mail: .*mailbox unavailable/);
      expect(await t.ds.appConfig()).toEqual(before);
    });

    it('an unreachable SMTP server is a 500 Mail Error and nothing is saved', async () => {
      const port = await closedPort();
      const res = await patch({
        org_info: { org_name: 'Not saved' },
        smtp_settings: {
          enable_smtp: true,
          server: '127.0.0.1',
          port,
          sender_address: 'fleet@example.com',
          authentication_type: 'authtype_none',
          enable_ssl_tls: false,
        },
      });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        message: 'Mail Error',
        errors: [{ name: 'base', reason: expect.stringMatching(/^sending mail: /) }],
      });
      const c = await get();
      expect(c.org_info.org_name).toBe('Acme');
      expect(c.smtp_settings).toMatchObject({ configured: false, server: '', port: 587 });
    });

    it('a failed test keeps a working configuration configured and unchanged', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      await patch({ smtp_settings: smtpTo(smtp) }).expect(200);
      smtp.failWith = 'try later';
      const res = await patch({ smtp_settings: { sender_address: 'other@example.com' } });
      expect(res.status).toBe(500);
      expect((await get()).smtp_settings).toMatchObject({ configured: true, sender_address: 'fleet@example.com' });
    });

    it('re-tests when smtp_settings change without enable_smtp while SMTP is configured', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      await patch({ smtp_settings: smtpTo(smtp) }).expect(200);
      await patch({ smtp_settings: { sender_address: 'noreply@example.com' } }).expect(200);
      const second = await smtp.waitFor(2);
      expect(second.from).toBe('noreply@example.com');
      expect((await get()).smtp_settings.configured).toBe(true);
    });

    it('sends nothing when the patch has no smtp_settings', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      await patch({ smtp_settings: smtpTo(smtp) }).expect(200);
      await patch({ org_info: { org_name: 'Y' } }).expect(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(smtp.messages).toHaveLength(1);
    });

    it('stores smtp_settings without a test while SMTP is not configured and enable_smtp is absent', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      const { enable_smtp: _omit, ...settings } = smtpTo(smtp);
      const res = await patch({ smtp_settings: settings });
      expect(res.status).toBe(200);
      expect(res.body.smtp_settings).toMatchObject({ configured: false, enable_smtp: false, server: '127.0.0.1' });
      await new Promise((r) => setTimeout(r, 100));
      expect(smtp.messages).toHaveLength(0);
    });

    it('enable_smtp false turns SMTP off without sending mail', async () => {
      smtp = new TestSmtpServer();
      await smtp.start();
      await patch({ smtp_settings: smtpTo(smtp) }).expect(200);
      const res = await patch({ smtp_settings: { enable_smtp: false } });
      expect(res.status).toBe(200);
      expect(res.body.smtp_settings).toMatchObject({ enable_smtp: false, configured: false, server: '127.0.0.1' });
      expect(smtp.messages).toHaveLength(1);
      expect((await get()).smtp_settings.configured).toBe(false);
    });
  });

  describe('validation', () => {
    const expect422 = async (body: unknown, name: string, reason?: string | RegExp) => {
      const res = await patch(body);
      expect(res.status).toBe(422);
      expect(res.body.message).toBe('Validation Failed');
      const hit = res.body.errors.find((e: { name: string }) => e.name === name);
      expect(hit).toBeDefined();
      if (reason instanceof RegExp) expect(hit.reason).toMatch(reason);
      else if (reason) expect(hit.reason).toBe(reason);
      return res;
    };

    it('rejects a string port (the seed example) with 422, never 500', async () => {
      await expect422({ smtp_settings: { port: '1025' } }, 'port', 'must be an integer');
    });

    it('rejects ports outside 1..65535 and fractional ports', async () => {
      for (const port of [0, -1, 65536, 1e300, 25.5]) await expect422({ smtp_settings: { port } }, 'port');
    });

    it('rejects an unknown authentication_type or authentication_method by name', async () => {
      await expect422({ smtp_settings: { authentication_type: 'authtype_username_and_password' } }, 'authentication_type', /must be one of/);
      await expect422({ smtp_settings: { authentication_method: 'authmethod_ntlm' } }, 'authentication_method', /must be one of/);
      await expect422({ smtp_settings: { authentication_type: 1 } }, 'authentication_type', 'must be a string');
    });

    it('rejects wrong types in every section', async () => {
      await expect422({ org_info: { org_name: 5 } }, 'org_name', 'must be a string');
      await expect422({ server_settings: { live_query_disabled: 'yes' } }, 'live_query_disabled', 'must be a boolean');
      await expect422({ smtp_settings: { enable_smtp: 'true' } }, 'enable_smtp', 'must be a boolean');
      await expect422({ sso_settings: { enable_sso: 1 } }, 'enable_sso', 'must be a boolean');
      await expect422({ host_expiry_settings: { host_expiry_window: '30' } }, 'host_expiry_window', 'must be an integer');
    });

    it('rejects a section that is not an object, naming the section only', async () => {
      const res = await expect422({ org_info: 'Acme' }, 'org_info', 'must be an object');
      expect(res.body.errors).toEqual([{ name: 'org_info', reason: 'must be an object' }]);
      await expect422({ smtp_settings: [1, 2] }, 'smtp_settings', 'must be an object');
    });

    it('collects several reasons in one answer', async () => {
      const res = await patch({ org_info: { org_name: 1 }, smtp_settings: { port: 'x', enable_ssl_tls: 'no' } });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { name: string }) => e.name).sort()).toEqual(['enable_ssl_tls', 'org_name', 'port']);
    });

    it('rejects additional_queries that are not an object of name to SQL string', async () => {
      await expect422({ host_settings: { additional_queries: 'select 1' } }, 'additional_queries', 'must be an object');
      await expect422({ host_settings: { additional_queries: ['select 1'] } }, 'additional_queries', 'must be an object');
      await expect422({ host_settings: { additional_queries: { time: 1 } } }, 'additional_queries', 'time: must be a string');
      await expect422({ host_settings: { additional_queries: { '': 'select 1' } } }, 'additional_queries', 'names must not be empty');
      await expect422({ host_settings: { additional_queries: true } }, 'additional_queries');
    });

    it('rejects a server URL that does not parse as http(s)', async () => {
      await expect422({ server_settings: { kolide_server_url: 'not a url' } }, 'kolide_server_url', 'url is not valid');
      await expect422({ server_settings: { kolide_server_url: 'ftp://fleet.acme.test' } }, 'kolide_server_url', 'url scheme must be http or https');
    });

    it('allows clearing the server URL', async () => {
      await patch({ server_settings: { kolide_server_url: '  ' } }).expect(200);
      expect((await get()).server_settings.kolide_server_url).toBe('');
    });

    it('host expiry: window must be a whole number of days, and at least 1 when enabled', async () => {
      await expect422({ host_expiry_settings: { host_expiry_window: -1 } }, 'host_expiry_window', 'must be 0 or more');
      await expect422({ host_expiry_settings: { host_expiry_window: 1.5 } }, 'host_expiry_window', 'must be an integer');
      await expect422({ host_expiry_settings: { host_expiry_window: 1e12 } }, 'host_expiry_window', /must be at most/);
      await expect422({ host_expiry_settings: { host_expiry_enabled: true } }, 'host_expiry_window', /at least 1/);
      await expect422({ host_expiry_settings: { host_expiry_enabled: true, host_expiry_window: 0 } }, 'host_expiry_window', /at least 1/);
    });

    it('caps string lengths', async () => {
      await expect422({ org_info: { org_name: 'x'.repeat(256) } }, 'org_name', 'is too long');
      await expect422({ smtp_settings: { server: 'x'.repeat(256) } }, 'server', 'is too long');
      await expect422({ server_settings: { kolide_server_url: `https://${'x'.repeat(2048)}.test` } }, 'kolide_server_url', 'is too long');
      await expect422({ host_settings: { additional_queries: { q: 'x'.repeat(65536) } } }, 'additional_queries', /at most/);
    });

    it('answers 413 to a body over the size limit', async () => {
      const res = await patch({ org_info: { org_name: 'x'.repeat(2 * 1024 * 1024) } });
      expect(res.status).toBe(413);
    });

    it('SSO: enabling needs metadata or a metadata URL, an entity id and an IdP name (collected)', async () => {
      const res = await patch({ sso_settings: { enable_sso: true } });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { name: 'metadata', reason: 'either metadata or metadata_url must be defined' },
        { name: 'entity_id', reason: 'required' },
        { name: 'idp_name', reason: 'required' },
      ]);
    });

    it('SSO: rejects both metadata and metadata_url, a short entity id and a short IdP name', async () => {
      const res = await patch({
        sso_settings: { enable_sso: true, metadata: '<xml/>', metadata_url: 'https://idp/m', entity_id: 'abcd', idp_name: 'abc' },
      });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { name: 'metadata', reason: 'both metadata and metadata_url are defined, only one is allowed' },
        { name: 'entity_id', reason: 'must be 5 or more characters' },
        { name: 'idp_name', reason: 'must be 4 or more characters' },
      ]);
    });

    it('SSO: stored values satisfy the checks when the patch only enables SSO', async () => {
      await patch({ sso_settings: { metadata: '<xml/>', entity_id: 'fleet.acme', idp_name: 'Okta' } }).expect(200);
      const res = await patch({ sso_settings: { enable_sso: true } });
      expect(res.status).toBe(200);
      expect(res.body.sso_settings.enable_sso).toBe(true);
    });

    it('SSO: nothing is checked while SSO is not being enabled', async () => {
      await patch({ sso_settings: { entity_id: 'a', enable_sso: false } }).expect(200);
    });

    it('saves nothing when validation fails', async () => {
      const before = await t.ds.appConfig();
      await expect422({ org_info: { org_name: 'Changed' }, smtp_settings: { port: 0 } }, 'port');
      await expect422({ org_info: { org_name: 'Changed' }, sso_settings: { enable_sso: true } }, 'metadata');
      expect(await t.ds.appConfig()).toEqual(before);
    });

    it('answers 400 to malformed JSON and to a JSON body that is not an object', async () => {
      const bad = await withToken(t.http().patch(CONFIG), admin).set('Content-Type', 'application/json').send('{"org_info": {');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('Bad Request');
      for (const body of ['[]', '"x"', '42', 'null']) {
        const res = await withToken(t.http().patch(CONFIG), admin).set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
      }
    });

    it('reads an empty body as {} (the JSON parser does) and changes nothing', async () => {
      const before = await get();
      const empty = await withToken(t.http().patch(CONFIG), admin);
      expect(empty.status).toBe(200);
      expect(await get()).toEqual(before);
    });
  });

  describe('authorization', () => {
    it('non-admins get 403 "must be an admin" (§18 item 19)', async () => {
      const user = await t.createUser();
      const res = await patch({ org_info: { org_name: 'Mine' } }, user.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: 'Permission Denied', errors: [{ reason: 'must be an admin' }] });
      expect((await get()).org_info.org_name).toBe('Acme');
    });

    it('needs an active admin', async () => {
      const callers = await makeCallers(t, admin);
      await expectAuthMatrix(callers, (auth) => auth(t.http().patch(CONFIG)).send({}), matrixFor('admin'));
    });
  });
});
