import type { Response, Test } from 'supertest';
import { expectAuthMatrix, makeCallers, matrixFor, type CallerTokens } from '../support/auth-matrix';
import { TestSmtpServer } from '../support/smtp';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, configureSmtp, expectError, linkParam, linkToken, notFound, startSmtp, subjectOf, validation } from './helpers';

const NEW_PASSWORD = 'n3w-Passw0rd';
const RESET_TOKEN_INVALID = { name: 'password_reset_token', reason: 'invalid or expired password reset token' };
const missing = (name: string) => ({ name, reason: 'missing required argument' });
const empty = (name: string) => ({ name, reason: 'cannot be empty' });
const weak = (name: string) => ({ name, reason: 'password does not meet validation requirements' });

let t: TestApp;
let smtp: TestSmtpServer;
let adminToken: string;
let callers: CallerTokens;

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.stop());

beforeEach(async () => {
  t = await startTestApp();
  adminToken = (await t.setup()).token;
  callers = await makeCallers(t, adminToken);
  smtp.failWith = null;
});
afterEach(() => t.close());

const as = (token: string, req: Test) => req.set('Authorization', `Bearer ${token}`);
const forgot = (body: unknown) => t.http().post(`${FLEET}/forgot_password`).send(body as object);
const reset = (body: unknown) => t.http().post(`${FLEET}/reset_password`).send(body as object);
const unauthenticated = (res: Response) => expect(res.status).toBe(401);

/** Asks for a reset mail and returns the token from its link. */
async function requestResetToken(email: string): Promise<string> {
  const before = smtp.messages.length;
  const res = await forgot({ email });
  expect(res.status).toBe(202);
  const mail = await smtp.waitFor(before + 1);
  return linkParam(mail, '/login/reset', 'token');
}

/** Waits briefly and asserts that no further mail arrived. */
async function expectNoMail(before: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 150));
  expect(smtp.messages.length).toBe(before);
}

describe('forgot_password → mail → reset_password', () => {
  test('the whole flow: mail with link, reset, old sessions gone, new password works', async () => {
    await configureSmtp(t, smtp);
    const { user, token: oldSession } = await t.createUser({ email: 'forgetful@example.com' });

    const before = smtp.messages.length;
    const res = await forgot({ email: 'Forgetful@Example.com' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});
    const mail = await smtp.waitFor(before + 1);
    expect(mail.to).toEqual(['forgetful@example.com']);
    expect(mail.from).toBe('fleet@example.com');
    expect(subjectOf(mail)).toBe('Reset Your Fleet Password');
    const link = TestSmtpServer.link(mail, '/login/reset');
    expect(link).toMatch(/^https:\/\/fleet\.example\.com\/login\/reset\?token=[A-Za-z0-9_-]{43}$/);
    const token = linkParam(mail, '/login/reset', 'token');

    const done = await reset({ password_reset_token: token, new_password: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({});

    unauthenticated(await as(oldSession, t.http().get(`${FLEET}/me`)));
    expect(await t.ds.listSessionsForUser(user.id)).toHaveLength(0);
    expect((await t.http().post(`${FLEET}/login`).send({ username: user.username, password: PASSWORD })).status).toBe(401);
    await t.login(user.username, NEW_PASSWORD);
    // The token is single-use (all of the user's reset tokens are deleted).
    validation(await reset({ password_reset_token: token, new_password: 'an0ther-pass' }), [RESET_TOKEN_INVALID]);
  });

  test('the stored password gets a new salt', async () => {
    await configureSmtp(t, smtp);
    const { user } = await t.createUser();
    const token = await requestResetToken(user.email);
    await reset({ password_reset_token: token, new_password: NEW_PASSWORD });
    const stored = await t.ds.user(user.id);
    expect(stored.salt).not.toBe(user.salt);
    expect(stored.password_hash).not.toBe(user.password_hash);
  });

  test('a reset token expires after 24 hours', async () => {
    await configureSmtp(t, smtp);
    const { user } = await t.createUser();
    const token = await requestResetToken(user.email);
    t.clock.advance(24 * 3600 * 1000 + 1000);
    validation(await reset({ password_reset_token: token, new_password: NEW_PASSWORD }), [RESET_TOKEN_INVALID]);
  });

  test('a reset also satisfies an admin-required reset', async () => {
    await configureSmtp(t, smtp);
    const { user } = await t.createUser();
    await t.services.users.requirePasswordReset(user.id, true);
    const token = await requestResetToken(user.email);
    expect((await reset({ password_reset_token: token, new_password: NEW_PASSWORD })).status).toBe(200);
    expect((await t.ds.user(user.id)).force_password_reset).toBe(false);
  });

  test('links carry the server URL and url_prefix', async () => {
    const prefixed = await startTestApp({ config: (c) => (c.server.url_prefix = '/fleet') });
    try {
      const res = await prefixed.http().post('/fleet/api/v1/setup').send({
        admin: { username: 'admin', email: 'admin@example.com', password: PASSWORD, admin: true },
        kolide_server_url: 'https://fleet.example.com/',
      });
      expect(res.status).toBe(200);
      await configureSmtp(prefixed, smtp);
      const before = smtp.messages.length;
      expect((await prefixed.http().post('/fleet/api/v1/fleet/forgot_password').send({ email: 'admin@example.com' })).status).toBe(202);
      const mail = await smtp.waitFor(before + 1);
      expect(TestSmtpServer.link(mail, '/login/reset')).toMatch(/^https:\/\/fleet\.example\.com\/fleet\/login\/reset\?token=/);
    } finally {
      await prefixed.close();
    }
  });

  test('no account enumeration: unknown email, SSO user, no SMTP and a failing SMTP all answer 202 {}', async () => {
    const sso = await t.services.users.createUser({ username: 'ssofp', email: 'ssofp@example.com', sso_enabled: true });
    const { user } = await t.createUser();
    // SMTP not configured yet
    let before = smtp.messages.length;
    expect(await forgot({ email: user.email })).toMatchObject({ status: 202, body: {} });
    await expectNoMail(before);

    await configureSmtp(t, smtp);
    before = smtp.messages.length;
    for (const email of ['nobody@example.com', sso.email, '']) {
      const res = await forgot({ email });
      expect({ status: res.status, body: res.body }).toEqual({ status: 202, body: {} });
    }
    await expectNoMail(before);

    smtp.failWith = 'mailbox unavailable';
    const refused = smtp.rejected;
    expect(await forgot({ email: user.email })).toMatchObject({ status: 202, body: {} });
    // The mail goes out in the background: wait for the refusal so it cannot land in a later test.
    await smtp.waitForRejected(refused + 1);
  });

  test('forgot_password: public; bad input 400/422', async () => {
    await expectAuthMatrix(callers, (auth) => auth(t.http().post(`${FLEET}/forgot_password`)).send({ email: 'x@example.com' }), matrixFor('public', 202));
    validation(await forgot({}), [missing('email')]);
    validation(await forgot({ email: ['a@b.c'] }), [{ name: 'email', reason: 'must be a string' }]);
    validation(await forgot({ email: HUGE }), [{ name: 'email', reason: 'is too long' }]);
    badRequest(await t.http().post(`${FLEET}/forgot_password`).set('Content-Type', 'application/json').send('{"email"'));
    badRequest(await forgot([]));
  });

  test('reset_password: public; validation; unknown token 422; reuse 422', async () => {
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().post(`${KOLIDE}/reset_password`)).send({ password_reset_token: 'bogus', new_password: NEW_PASSWORD }),
      matrixFor('public', 422),
    );
    validation(await reset({}), [missing('password_reset_token'), missing('new_password')]);
    validation(await reset({ password_reset_token: '', new_password: '' }), [empty('password_reset_token'), empty('new_password')]);
    validation(await reset({ password_reset_token: 'x', new_password: 'abc123' }), [weak('new_password')]);
    validation(await reset({ password_reset_token: 'unknown', new_password: NEW_PASSWORD }), [RESET_TOKEN_INVALID]);
    validation(await reset({ password_reset_token: 1, new_password: NEW_PASSWORD }), [{ name: 'password_reset_token', reason: 'must be a string' }]);
    validation(await reset({ password_reset_token: 'x', new_password: HUGE }), [{ name: 'new_password', reason: 'is too long' }]);
    badRequest(await t.http().post(`${FLEET}/reset_password`).set('Content-Type', 'application/json').send('[}'));

    await configureSmtp(t, smtp);
    const { user } = await t.createUser();
    const token = await requestResetToken(user.email);
    validation(await reset({ password_reset_token: token, new_password: PASSWORD }), [{ name: 'new_password', reason: 'cannot reuse old password' }]);
  });
});

describe('change_password', () => {
  const change = (token: string, body: unknown) => as(token, t.http().post(`${FLEET}/change_password`)).send(body as object);

  test('active users only', async () => {
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().post(`${FLEET}/change_password`)).send({ old_password: 'wr0ng!pass', new_password: NEW_PASSWORD }),
      matrixFor('active', 422),
    );
  });

  test('changes the password and keeps sessions', async () => {
    const { user, token } = await t.createUser();
    const res = await change(token, { old_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await as(token, t.http().get(`${FLEET}/me`))).status).toBe(200);
    await t.login(user.username, NEW_PASSWORD);
  });

  test('validation and its order', async () => {
    const { token } = await t.createUser();
    validation(await change(token, {}), [missing('old_password'), missing('new_password')]);
    validation(await change(token, { old_password: '', new_password: '' }), [empty('old_password'), empty('new_password')]);
    validation(await change(token, { old_password: PASSWORD, new_password: 'abc123' }), [weak('new_password')]);
    // reuse is reported even when the old password is wrong
    validation(await change(token, { old_password: 'wr0ng!pass', new_password: PASSWORD }), [{ name: 'new_password', reason: 'cannot reuse old password' }]);
    validation(await change(token, { old_password: 'wr0ng!pass', new_password: NEW_PASSWORD }), [{ name: 'old_password', reason: 'old password does not match' }]);
    validation(await change(token, { old_password: PASSWORD, new_password: 12345 }), [{ name: 'new_password', reason: 'must be a string' }]);
    validation(await change(token, { old_password: HUGE, new_password: NEW_PASSWORD }), [{ name: 'old_password', reason: 'is too long' }]);
    badRequest(await as(token, t.http().post(`${FLEET}/change_password`)).set('Content-Type', 'application/json').send('{'));
    badRequest(await change(token, 'text'));
  });

  test('an SSO user cannot change a password: 422', async () => {
    const sso = await t.services.users.createUser({ username: 'ssocp', email: 'ssocp@example.com', sso_enabled: true });
    const token = await t.services.sessions.makeSession(sso);
    validation(await change(token, { old_password: PASSWORD, new_password: NEW_PASSWORD }), [
      { name: 'base', reason: 'change password for single sign on user not allowed' },
    ]);
  });
});

describe('perform_required_password_reset', () => {
  const perform = (token: string, body: unknown) => as(token, t.http().post(`${FLEET}/perform_required_password_reset`)).send(body as object);

  test('only a user who must reset', async () => {
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().post(`${FLEET}/perform_required_password_reset`)).send({ new_password: NEW_PASSWORD }),
      { anonymous: 401, bad_token: 401, user: 403, admin: 403, disabled: 401, reset_required: 200 },
    );
    const res = await perform(callers.tokens.user!, { new_password: NEW_PASSWORD });
    expectError(res, 403, 'Permission Denied', [{ reason: 'cannot reset password' }]);
  });

  test('sets the password, clears the flag, keeps the current session', async () => {
    const { user } = await t.createUser();
    await t.services.users.requirePasswordReset(user.id, true);
    const token = await t.login(user.username);
    const res = await perform(token, { new_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.id, force_password_reset: false });
    expect((await as(token, t.http().get(`${FLEET}/users`))).status).toBe(200);
    await t.login(user.username, NEW_PASSWORD);
  });

  test('validation: complexity and reuse apply', async () => {
    const { user } = await t.createUser();
    await t.services.users.requirePasswordReset(user.id, true);
    const token = await t.login(user.username);
    validation(await perform(token, {}), [missing('new_password')]);
    validation(await perform(token, { new_password: '' }), [empty('new_password')]);
    validation(await perform(token, { new_password: 'abcdefg' }), [weak('new_password')]);
    validation(await perform(token, { new_password: PASSWORD }), [{ name: 'new_password', reason: 'cannot reuse old password' }]);
    validation(await perform(token, { new_password: false }), [{ name: 'new_password', reason: 'must be a string' }]);
    badRequest(await perform(token, [NEW_PASSWORD]));
    expect((await t.ds.user(user.id)).force_password_reset).toBe(true);
  });
});

describe('email change', () => {
  const patch = (token: string, id: number, body: unknown) => as(token, t.http().patch(`${FLEET}/users/${id}`)).send(body as object);
  const confirm = (token: string, changeToken: string, prefix = FLEET) => as(token, t.http().get(`${prefix}/email/change/${changeToken}`));

  async function requestChange(token: string, id: number, email: string, password?: string): Promise<string> {
    const before = smtp.messages.length;
    const res = await patch(token, id, { email, ...(password ? { password } : {}) });
    expect(res.status).toBe(200);
    const mail = await smtp.waitFor(before + 1);
    expect(mail.to).toEqual([email]);
    expect(subjectOf(mail)).toBe('Confirm Fleet Email Change');
    expect(TestSmtpServer.link(mail, '/email/change/')).toMatch(/^https:\/\/fleet\.example\.com\/email\/change\/[A-Za-z0-9_-]{43}$/);
    return linkToken(mail, '/email/change/');
  }

  test('request with the password, confirm with the mailed token: the email changes', async () => {
    await configureSmtp(t, smtp);
    const { user, token } = await t.createUser({ email: 'old@example.com' });
    const changeToken = await requestChange(token, user.id, 'new@example.com', PASSWORD);
    expect((await t.ds.user(user.id)).email).toBe('old@example.com');

    const res = await confirm(token, changeToken, KOLIDE);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ new_email: 'new@example.com' });
    expect((await as(token, t.http().get(`${FLEET}/me`))).body.user.email).toBe('new@example.com');
    await t.login('new@example.com');
    notFound(await confirm(token, changeToken), 'email change with token was not found in the datastore');
  });

  test('an admin changes another user’s email without a password; that user confirms', async () => {
    await configureSmtp(t, smtp);
    const { user, token } = await t.createUser();
    const changeToken = await requestChange(adminToken, user.id, 'moved-by-admin@example.com');
    notFound(await confirm(adminToken, changeToken), 'email change with token was not found in the datastore');
    expect((await confirm(token, changeToken)).body).toEqual({ new_email: 'moved-by-admin@example.com' });
  });

  test('unknown token 404 (not echoed); route needs a session', async () => {
    const res = await confirm(callers.tokens.user!, 'no-such-token');
    notFound(res, 'email change with token was not found in the datastore');
    expect(res.text).not.toContain('no-such-token');
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/email/change/whatever`)), matrixFor('auth', 404));
  });

  test('an address taken before confirmation → 409 and the email stays', async () => {
    await configureSmtp(t, smtp);
    const { user, token } = await t.createUser({ email: 'a-user@example.com' });
    const changeToken = await requestChange(token, user.id, 'contested@example.com', PASSWORD);
    await t.createUser({ email: 'contested@example.com' });
    expect((await confirm(token, changeToken)).status).toBe(409);
    expect((await t.ds.user(user.id)).email).toBe('a-user@example.com');
  });

  test('a failing SMTP server: 500 Mail Error and nothing is saved', async () => {
    await configureSmtp(t, smtp);
    smtp.failWith = 'relay denied';
    const { user, token } = await t.createUser();
    const res = await patch(token, user.id, { email: 'never@example.com', password: PASSWORD, name: 'Unsaved' });
    expectError(res, 500, 'Mail Error', [{ name: 'base', reason: /^sending mail: / }]);
    expect((await t.ds.user(user.id)).name).toBe(user.name);
  });
});
