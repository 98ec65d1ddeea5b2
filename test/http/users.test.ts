import type { Response, Test } from 'supertest';
import { hashToken } from '../../internal/crypto/tokens';
import { expectAuthMatrix, makeCallers, matrixFor, type CallerTokens } from '../support/auth-matrix';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, configureSmtp, expectError, notFound, startSmtp, validation } from './helpers';
import type { TestSmtpServer } from '../support/smtp';

const NEW_PASSWORD = 'n3w-Passw0rd';
const missing = (name: string) => ({ name, reason: 'missing required argument' });
const empty = (name: string) => ({ name, reason: 'cannot be empty' });
const weak = (name: string) => ({ name, reason: 'password does not meet validation requirements' });
const forbidden = (res: Response, reason: string) => expectError(res, 403, 'Permission Denied', [{ reason }]);

let t: TestApp;
let adminToken: string;
let adminId: number;
let callers: CallerTokens;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
  const setup = await t.setup();
  adminToken = setup.token;
  adminId = setup.user.id;
  callers = await makeCallers(t, adminToken);
});
afterAll(() => t.close());

const asAdmin = (req: Test) => req.set('Authorization', `Bearer ${adminToken}`);
const as = (token: string, req: Test) => req.set('Authorization', `Bearer ${token}`);

/** An invite stored directly with a known token (the mailed flow is in invites.test.ts). */
async function invite(fields: { admin?: boolean; sso?: boolean; email?: string } = {}): Promise<{ token: string; id: number }> {
  const token = `invite-token-${++seq}-${Math.random().toString(36).slice(2)}`;
  const inv = await t.ds.newInvite({
    email: fields.email ?? `invitee${seq}@example.com`,
    invited_by: adminId,
    admin: fields.admin ?? false,
    name: 'Invitee',
    position: '',
    sso_enabled: fields.sso ?? false,
    token_hash: hashToken(token),
  });
  return { token, id: inv.id };
}

describe('GET /users', () => {
  test('lists every user, disabled ones included, to any active user', async () => {
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/users`)), matrixFor('active'));
    const res = await asAdmin(t.http().get(`${FLEET}/users`));
    expect(res.status).toBe(200);
    const names = res.body.users.map((u: { username: string }) => u.username);
    expect(names).toEqual(expect.arrayContaining(['admin', expect.stringMatching(/^gone/)]));
    for (const u of res.body.users) {
      expect(u).not.toHaveProperty('password_hash');
      expect(u).not.toHaveProperty('salt');
    }
  });

  test('pages and orders by allow-listed keys only', async () => {
    const desc = await asAdmin(t.http().get(`${FLEET}/users?order_key=username&order_direction=desc`));
    const names = desc.body.users.map((u: { username: string }) => u.username);
    expect(names).toEqual([...names].sort().reverse());
    const page = await asAdmin(t.http().get(`${FLEET}/users?page=0&per_page=2&order_key=id`));
    expect(page.body.users).toHaveLength(2);
    expect(page.body.users[0].id).toBe(adminId);
    validation(await asAdmin(t.http().get(`${FLEET}/users?order_key=password_hash`)), [
      { name: 'order_key', reason: /^order_key is not one of: id, / },
    ]);
    expect((await asAdmin(t.http().get(`${FLEET}/users?order_direction=desc`))).status).toBe(422);
    expect((await asAdmin(t.http().get(`${FLEET}/users?page=abc`))).status).toBe(400);
    expect((await asAdmin(t.http().get(`${FLEET}/users?per_page=0`))).status).toBe(422);
  });
});

describe('GET /users/{id}', () => {
  test('any active user may read any user; a reset-pending user may not even read themselves', async () => {
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/users/${adminId}`)), matrixFor('active'));
    const self = await as(callers.tokens.reset_required!, t.http().get(`${FLEET}/users/${callers.ids.reset_required}`));
    forbidden(self, 'password reset required');
  });

  test('returns the user; unknown id 404; non-numeric id 400', async () => {
    const res = await asAdmin(t.http().get(`${FLEET}/users/${callers.ids.user}`));
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: callers.ids.user, admin: false, enabled: true, sso_enabled: false });
    notFound(await asAdmin(t.http().get(`${FLEET}/users/99999`)), 'User with id=99999 was not found in the datastore');
    badRequest(await asAdmin(t.http().get(`${FLEET}/users/abc`)));
    badRequest(await asAdmin(t.http().get(`${FLEET}/users/-1`)));
    badRequest(await asAdmin(t.http().get(`${FLEET}/users/99999999999999999999`)));
  });
});

describe('POST /users (sign-up with an invite)', () => {
  const signUp = (body: unknown) => t.http().post(`${FLEET}/users`).send(body as object);

  test('creates the user with the invite’s admin flag, deletes the invite, and the user can log in', async () => {
    const { token, id } = await invite({ admin: false });
    const res = await signUp({
      username: 'newbie',
      password: PASSWORD,
      email: 'newbie@example.com',
      invite_token: token,
      name: 'New Bie',
      admin: true, // ignored: the invite decides
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'newbie', email: 'newbie@example.com', name: 'New Bie', admin: false, enabled: true });
    await expect(t.ds.invite(id)).rejects.toThrow('was not found');
    expect((await t.http().get(`${FLEET}/invites/${token}`)).status).toBe(404);
    await t.login('newbie');
    expect((await signUp({ username: 'again', password: PASSWORD, email: 'again@example.com', invite_token: token })).status).toBe(404);
  });

  test('an admin invite makes an admin', async () => {
    const { token } = await invite({ admin: true });
    const res = await signUp({ username: 'boss', password: PASSWORD, email: 'boss@example.com', invite_token: token });
    expect(res.body.user.admin).toBe(true);
  });

  test('is public', async () => {
    await expectAuthMatrix(
      callers,
      async (auth) => {
        const { token } = await invite();
        const n = ++seq;
        return auth(t.http().post(`${FLEET}/users`)).send({ username: `pub${n}`, password: PASSWORD, email: `pub${n}@example.com`, invite_token: token });
      },
      matrixFor('public'),
    );
  });

  test('validation: every field reported, in order', async () => {
    validation(await signUp({}), [missing('username'), missing('password'), missing('email'), missing('invite_token')]);
    validation(await signUp({ username: '', password: '', email: '', invite_token: '' }), [
      empty('username'),
      empty('password'),
      empty('email'),
      empty('invite_token'),
    ]);
    const { token } = await invite();
    validation(await signUp({ username: 'weakling', password: 'password', email: 'w@example.com', invite_token: token }), [weak('password')]);
  });

  test('unknown token → 404 without echoing the token; expired → 422', async () => {
    const res = await signUp({ username: 'x1', password: PASSWORD, email: 'x1@example.com', invite_token: 'no-such-token' });
    notFound(res, 'Invite with token was not found in the datastore');
    expect(res.text).not.toContain('no-such-token');

    const { token } = await invite();
    t.clock.advance(5 * 24 * 3600 * 1000 + 1000);
    try {
      validation(await signUp({ username: 'late', password: PASSWORD, email: 'late@example.com', invite_token: token }), [
        { name: 'invite_token', reason: 'Invite token has expired.' },
      ]);
    } finally {
      t.clock.advance(-(5 * 24 * 3600 * 1000 + 1000));
    }
  });

  test('a taken username or email → 409 and the invite is kept', async () => {
    const { token, id } = await invite();
    const dupName = await signUp({ username: 'ADMIN', password: PASSWORD, email: 'fresh@example.com', invite_token: token });
    expectError(dupName, 409, 'Resource Already Exists', [{ name: 'base', reason: 'User ADMIN already exists in the datastore' }]);
    const dupEmail = await signUp({ username: 'fresh', password: PASSWORD, email: 'Admin@Example.com', invite_token: token });
    expect(dupEmail.status).toBe(409);
    await expect(t.ds.invite(id)).resolves.toBeTruthy();
  });

  test('an SSO invite needs no password and makes an SSO user, who cannot log in with a password', async () => {
    const { token } = await invite({ sso: true });
    const res = await signUp({ username: 'ssouser', email: 'sso@example.com', invite_token: token, sso_invite: true });
    expect(res.status).toBe(200);
    expect(res.body.user.sso_enabled).toBe(true);
    const login = await t.http().post(`${FLEET}/login`).send({ username: 'ssouser', password: PASSWORD });
    expectError(login, 401, 'Authentication Failed', [{ name: 'base', reason: 'password login not allowed for single sign on users' }]);
  });

  test('bad input is 400/422, never 500', async () => {
    badRequest(await t.http().post(`${FLEET}/users`).set('Content-Type', 'application/json').send('{"username":'));
    badRequest(await signUp([]));
    validation(await signUp({ username: 5, password: PASSWORD, email: 'a@b.c', invite_token: 'x' }), [{ name: 'username', reason: 'must be a string' }]);
    validation(await signUp({ username: 'ok', password: PASSWORD, email: HUGE, invite_token: 'x' }), [{ name: 'email', reason: 'is too long' }]);
    validation(await signUp({ username: 'ok', password: PASSWORD, email: 'a@b.c', invite_token: 'x', sso_invite: 'yes' }), [
      { name: 'sso_invite', reason: 'must be a boolean' },
    ]);
  });
});

describe('POST /users/admin', () => {
  const create = (body: unknown) => asAdmin(t.http().post(`${FLEET}/users/admin`)).send(body as object);

  test('admin only', async () => {
    await expectAuthMatrix(
      callers,
      (auth) => {
        const n = ++seq;
        return auth(t.http().post(`${FLEET}/users/admin`)).send({ username: `made${n}`, password: PASSWORD, email: `made${n}@example.com` });
      },
      matrixFor('admin'),
    );
  });

  test('creates a user as requested; admin defaults to false', async () => {
    const plain = await create({ username: 'plainmade', password: PASSWORD, email: 'plainmade@example.com' });
    expect(plain.status).toBe(200);
    expect(plain.body.user).toMatchObject({ username: 'plainmade', admin: false, force_password_reset: false, sso_enabled: false });
    const boss = await create({ username: 'bossmade', password: PASSWORD, email: 'bossmade@example.com', admin: true, name: 'B', position: 'CTO' });
    expect(boss.body.user).toMatchObject({ admin: true, name: 'B', position: 'CTO' });
  });

  test('admin_forced_password_reset makes the user reset at first login', async () => {
    const res = await create({ username: 'forcedmade', password: PASSWORD, email: 'fm@example.com', admin_forced_password_reset: true });
    expect(res.body.user.force_password_reset).toBe(true);
    const login = await t.http().post(`${FLEET}/login`).send({ username: 'forcedmade', password: PASSWORD });
    expect(login.body.user.force_password_reset).toBe(true);
    forbidden(await as(login.body.token, t.http().get(`${FLEET}/users`)), 'password reset required');
  });

  test('sso_enabled needs no password (a random one is set)', async () => {
    const res = await create({ username: 'ssomade', email: 'ssomade@example.com', sso_enabled: true });
    expect(res.status).toBe(200);
    expect(res.body.user.sso_enabled).toBe(true);
  });

  test('validation, including the complexity rule and a refused invite_token', async () => {
    validation(await create({}), [missing('username'), missing('password'), missing('email')]);
    validation(await create({ username: 'u', password: 'short', email: 'u@example.com', invite_token: 'abc' }), [
      weak('password'),
      { name: 'invite_token', reason: 'should not be specified with admin user creation' },
    ]);
    validation(await create({ username: 'u', password: PASSWORD, email: 'u@example.com', admin: 'true' }), [
      { name: 'admin', reason: 'must be a boolean' },
    ]);
    validation(await create({ username: HUGE, password: PASSWORD, email: 'u@example.com' }), [{ name: 'username', reason: 'is too long' }]);
    badRequest(await asAdmin(t.http().post(`${FLEET}/users/admin`)).set('Content-Type', 'application/json').send('nope'));
  });

  test('duplicates → 409', async () => {
    expect((await create({ username: 'admin', password: PASSWORD, email: 'other@example.com' })).status).toBe(409);
    expect((await create({ username: 'other', password: PASSWORD, email: 'ADMIN@example.com' })).status).toBe(409);
  });
});

describe('PATCH /users/{id}', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.stop());
  afterEach(async () => {
    const config = await t.ds.appConfig();
    config.smtp_settings.configured = false;
    await t.ds.saveAppConfig(config);
  });

  const patch = (token: string, id: number, body: unknown) => as(token, t.http().patch(`${FLEET}/users/${id}`)).send(body as object);

  test('yourself or an admin', async () => {
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().patch(`${FLEET}/users/${callers.ids.user}`)).send({ position: 'Engineer' }),
      { anonymous: 401, bad_token: 401, user: 200, admin: 200, disabled: 401, reset_required: 403 },
    );
    const other = await patch(callers.tokens.user!, adminId, { name: 'Hacked' });
    forbidden(other, 'no write permissions on user');
  });

  test('changes the given fields; admin and enabled are ignored', async () => {
    const { user, token } = await t.createUser();
    const res = await patch(token, user.id, { name: 'Renamed', position: 'SRE', gravatar_url: 'https://g.example/a', admin: true, enabled: false });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ name: 'Renamed', position: 'SRE', gravatar_url: 'https://g.example/a', admin: false, enabled: true });
    expect((await t.ds.user(user.id)).name).toBe('Renamed');
    const username = await patch(adminToken, user.id, { username: 'renamed-by-admin' });
    expect(username.body.user.username).toBe('renamed-by-admin');
  });

  test('empty fields → 422; a taken username → 409; unknown id → 404; bad id → 400', async () => {
    const { user, token } = await t.createUser();
    validation(await patch(token, user.id, { username: '', name: '', email: '' }), [empty('username'), empty('name'), empty('email')]);
    expect((await patch(token, user.id, { username: 'admin' })).status).toBe(409);
    notFound(await patch(adminToken, 99999, { name: 'x' }), 'User with id=99999 was not found in the datastore');
    badRequest(await patch(adminToken, 'abc' as unknown as number, { name: 'x' }));
    badRequest(await as(token, t.http().patch(`${FLEET}/users/${user.id}`)).set('Content-Type', 'application/json').send('{'));
    badRequest(await patch(token, user.id, ['name']));
    validation(await patch(token, user.id, { name: 7 }), [{ name: 'name', reason: 'must be a string' }]);
    validation(await patch(token, user.id, { name: HUGE }), [{ name: 'name', reason: 'is too long' }]);
  });

  test('only an admin may switch sso_enabled', async () => {
    const { user, token } = await t.createUser();
    forbidden(await patch(token, user.id, { sso_enabled: true }), 'only an admin can change sso_enabled');
    expect((await patch(token, user.id, { sso_enabled: false })).status).toBe(200); // unchanged value is fine
    expect((await patch(adminToken, user.id, { sso_enabled: true })).body.user.sso_enabled).toBe(true);
  });

  test('changing your own email needs your password', async () => {
    const { user, token } = await t.createUser();
    validation(await patch(token, user.id, { email: 'new@example.com' }), [{ name: 'password', reason: 'cannot be empty if email is changed' }]);
    await configureSmtp(t, smtp);
    const wrong = await patch(token, user.id, { email: 'new@example.com', password: 'wr0ng!pass' });
    expectError(wrong, 403, 'Permission Denied', [{ name: 'password', reason: 'incorrect password' }]);
  });

  test('without SMTP an email change is refused and nothing else is saved', async () => {
    const { user, token } = await t.createUser();
    const res = await patch(token, user.id, { email: 'elsewhere@example.com', password: PASSWORD, name: 'Should Not Stick' });
    validation(res, [{ name: 'email', reason: /SMTP is not configured/ }]);
    const stored = await t.ds.user(user.id);
    expect(stored.name).toBe(user.name);
    expect(stored.email).toBe(user.email);
  });

  test('with SMTP the response still shows the old email; a mail goes to the new address', async () => {
    await configureSmtp(t, smtp);
    const { user, token } = await t.createUser();
    const before = smtp.messages.length;
    const res = await patch(token, user.id, { email: 'moved@example.com', password: PASSWORD, name: 'Moved' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: user.email, name: 'Moved' });
    const mail = await smtp.waitFor(before + 1);
    expect(mail.to).toEqual(['moved@example.com']);
  });

  test('a new email held by another user → 409, nothing saved', async () => {
    await configureSmtp(t, smtp);
    const { user, token } = await t.createUser();
    const res = await patch(token, user.id, { email: 'ADMIN@example.com', password: PASSWORD, name: 'Nope' });
    expect(res.status).toBe(409);
    expect((await t.ds.user(user.id)).name).toBe(user.name);
  });
});

describe('POST /users/{id}/enable, /admin, /require_password_reset', () => {
  const post = (id: number | string, action: string, body: unknown) =>
    asAdmin(t.http().post(`${FLEET}/users/${id}/${action}`)).send(body as object);

  test.each([
    ['enable', { enabled: true }],
    ['admin', { admin: false }],
    ['require_password_reset', { require: false }],
  ])('%s: admin only', async (action, body) => {
    await expectAuthMatrix(
      callers,
      async (auth) => {
        const { user } = await t.createUser();
        return auth(t.http().post(`${FLEET}/users/${user.id}/${action}`)).send(body);
      },
      matrixFor('admin'),
    );
  });

  test.each([
    ['enable', 'enabled'],
    ['admin', 'admin'],
    ['require_password_reset', 'require'],
  ])('%s: a missing boolean is 422 (not false); wrong type 422; unknown user 404; bad id 400', async (action, field) => {
    const { user } = await t.createUser();
    validation(await post(user.id, action, {}), [missing(field)]);
    validation(await post(user.id, action, { [field]: null }), [missing(field)]);
    validation(await post(user.id, action, { [field]: 'false' }), [{ name: field, reason: 'must be a boolean' }]);
    const stored = await t.ds.user(user.id);
    expect(stored).toMatchObject({ enabled: true, admin: false, force_password_reset: false });
    notFound(await post(99999, action, { [field]: true }), 'User with id=99999 was not found in the datastore');
    badRequest(await post('abc', action, { [field]: true }));
    badRequest(await asAdmin(t.http().post(`${FLEET}/users/${user.id}/${action}`)).set('Content-Type', 'application/json').send('{]'));
    badRequest(await post(user.id, action, [true]));
  });

  test('disabling ends every session of the user; enabling lets them log in again', async () => {
    const { user, token } = await t.createUser();
    const res = await post(user.id, 'enable', { enabled: false });
    expect(res.status).toBe(200);
    expect(res.body.user.enabled).toBe(false);
    expect(await t.ds.listSessionsForUser(user.id)).toHaveLength(0);
    expect((await as(token, t.http().get(`${FLEET}/users`))).status).toBe(401);
    expect((await as(token, t.http().get(`${FLEET}/me`))).status).toBe(401);
    expect((await post(user.id, 'enable', { enabled: true })).body.user.enabled).toBe(true);
    await t.login(user.username);
  });

  test('promoting gives admin rights; demoting takes them away', async () => {
    const { user, token } = await t.createUser();
    expect((await as(token, t.http().get(`${FLEET}/invites`))).status).toBe(403);
    expect((await post(user.id, 'admin', { admin: true })).body.user.admin).toBe(true);
    expect((await as(token, t.http().get(`${FLEET}/invites`))).status).toBe(200);
    expect((await post(user.id, 'admin', { admin: false })).body.user.admin).toBe(false);
    expect((await as(token, t.http().get(`${FLEET}/invites`))).status).toBe(403);
  });

  test('requiring a reset ends all sessions; after re-login only me, logout and the reset are allowed', async () => {
    const { user, token } = await t.createUser();
    const res = await post(user.id, 'require_password_reset', { require: true });
    expect(res.body.user.force_password_reset).toBe(true);
    expect((await as(token, t.http().get(`${FLEET}/me`))).status).toBe(401);

    const fresh = await t.login(user.username);
    expect((await as(fresh, t.http().get(`${FLEET}/me`))).status).toBe(200);
    forbidden(await as(fresh, t.http().get(`${FLEET}/users`)), 'password reset required');
    forbidden(await as(fresh, t.http().patch(`${FLEET}/users/${user.id}`)).send({ name: 'x' }), 'password reset required');
    forbidden(await as(fresh, t.http().post(`${FLEET}/change_password`)).send({ old_password: PASSWORD, new_password: NEW_PASSWORD }), 'password reset required');

    const done = await as(fresh, t.http().post(`${KOLIDE}/perform_required_password_reset`)).send({ new_password: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.body.user.force_password_reset).toBe(false);
    expect((await as(fresh, t.http().get(`${FLEET}/users`))).status).toBe(200); // same session kept
    await t.login(user.username, NEW_PASSWORD);
  });

  test('requiring a reset of an SSO user → 422', async () => {
    const sso = await t.services.users.createUser({ username: 'ssoreq', email: 'ssoreq@example.com', sso_enabled: true });
    validation(await post(sso.id, 'require_password_reset', { require: true }), [
      { name: 'base', reason: 'password reset for single sign on user not allowed' },
    ]);
  });
});
