import { AuthenticationError } from '../../internal/fleet';
import { expectAuthMatrix, makeCallers, matrixFor, type CallerTokens } from '../support/auth-matrix';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, expectError, validation } from './helpers';

const DEFAULT_REASON = AuthenticationError.DEFAULT_REASON;
const unauthenticated = (res: import('supertest').Response, reason = DEFAULT_REASON) =>
  expectError(res, 401, 'Authentication Failed', [{ name: 'base', reason }]);

describe('login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.setup();
  });
  afterAll(() => t.close());

  test('by username returns the user and a token', async () => {
    const res = await t.http().post(`${FLEET}/login`).send({ username: 'admin', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: expect.objectContaining({ username: 'admin', admin: true }), token: expect.any(String) });
  });

  test('by email, in upper case, succeeds', async () => {
    const res = await t.http().post(`${FLEET}/login`).send({ username: 'ADMIN@EXAMPLE.COM', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe('admin@example.com');
  });

  test('a wrong password and an unknown user get the same 401', async () => {
    unauthenticated(await t.http().post(`${FLEET}/login`).send({ username: 'admin', password: 'wr0ng!pass' }));
    unauthenticated(await t.http().post(`${FLEET}/login`).send({ username: 'nobody', password: PASSWORD }));
  });

  test('a disabled account: login is refused with `account disabled` and its old token is 401', async () => {
    const { user, token } = await t.createUser({ username: 'leaver', email: 'leaver@example.com' });
    await t.services.users.enableUser(user.id, false);
    unauthenticated(await t.http().post(`${FLEET}/login`).send({ username: 'leaver', password: PASSWORD }), 'account disabled');
    unauthenticated(await t.http().get(`${FLEET}/me`).set('Authorization', `Bearer ${token}`));
  });

  test('a user who must reset the password still gets a token, with the flag set', async () => {
    const { user } = await t.createUser({ username: 'forced', email: 'forced@example.com' });
    await t.services.users.requirePasswordReset(user.id, true);
    const res = await t.http().post(`${FLEET}/login`).send({ username: 'forced', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.force_password_reset).toBe(true);
  });

  test('bad input: malformed JSON 400, non-object 400, missing fields and wrong types 422, huge strings 422', async () => {
    badRequest(await t.http().post(`${FLEET}/login`).set('Content-Type', 'application/json').send('{'));
    badRequest(await t.http().post(`${FLEET}/login`).send(['admin']));
    badRequest(await t.http().post(`${FLEET}/login`).set('Content-Type', 'application/json').send('null'));
    validation(await t.http().post(`${FLEET}/login`).send({}), [
      { name: 'username', reason: 'missing required argument' },
      { name: 'password', reason: 'missing required argument' },
    ]);
    validation(await t.http().post(`${FLEET}/login`).send({ username: 1, password: PASSWORD }), [
      { name: 'username', reason: 'must be a string' },
    ]);
    validation(await t.http().post(`${FLEET}/login`).send({ username: HUGE, password: PASSWORD }), [
      { name: 'username', reason: 'is too long' },
    ]);
  });

  test('is public for every caller', async () => {
    const callers = await makeCallers(t, await t.login('admin'));
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().post(`${FLEET}/login`)).send({ username: 'admin', password: PASSWORD }),
      matrixFor('public'),
    );
  });
});

describe('login rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: (c) => (c.auth.login_rate_per_minute = 3) });
    await t.setup();
  });
  afterAll(() => t.close());

  test('after too many failures the account answers 429 with Retry-After until the window passes', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await t.http().post(`${FLEET}/login`).send({ username: 'admin', password: 'bad!pass1' })).status).toBe(401);
    }
    const limited = await t.http().post(`${FLEET}/login`).send({ username: 'admin', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({
      message: expect.any(String),
      errors: [{ name: 'base', reason: `limit exceeded, retry after: ${limited.headers['retry-after']}s` }],
    });

    t.clock.advance(61_000);
    expect((await t.http().post(`${FLEET}/login`).send({ username: 'admin', password: PASSWORD })).status).toBe(200);
  });
});

describe('tokens and sessions', () => {
  let t: TestApp;
  let adminToken: string;
  beforeEach(async () => {
    t = await startTestApp({ config: (c) => (c.session.duration_seconds = 3600) });
    adminToken = (await t.setup()).token;
  });
  afterEach(() => t.close());

  const me = (token?: string, prefix = FLEET) => {
    const req = t.http().get(`${prefix}/me`);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  test('both prefixes behave the same', async () => {
    const a = await me(adminToken, FLEET);
    const b = await me(adminToken, KOLIDE);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
  });

  test('the bearer scheme is case-insensitive; a malformed header is anonymous', async () => {
    expect((await t.http().get(`${FLEET}/me`).set('Authorization', `bearer ${adminToken}`)).status).toBe(200);
    unauthenticated(await t.http().get(`${FLEET}/me`).set('Authorization', `Bearer  ${adminToken}`));
    unauthenticated(await t.http().get(`${FLEET}/me`).set('Authorization', adminToken));
    unauthenticated(await me());
    unauthenticated(await me('garbage'));
  });

  test('after logout the token is 401; logout without a token is 401', async () => {
    const token = await t.login('admin');
    const out = await t.http().post(`${FLEET}/logout`).set('Authorization', `Bearer ${token}`);
    expect(out.status).toBe(200);
    expect(out.body).toEqual({});
    unauthenticated(await me(token));
    expect((await me(adminToken)).status).toBe(200); // only that session ended
    unauthenticated(await t.http().post(`${FLEET}/logout`));
  });

  test('an idle session expires: 401 and the row is gone', async () => {
    const admin = await t.services.sessions.authenticate(adminToken);
    t.clock.advance(3601_000);
    unauthenticated(await me(adminToken));
    expect(await t.ds.listSessionsForUser(admin.user.id)).toHaveLength(0);
  });

  test('activity keeps a session alive (sliding expiry)', async () => {
    for (let i = 0; i < 4; i++) {
      t.clock.advance(50 * 60_000);
      expect((await me(adminToken)).status).toBe(200);
    }
  });

  test('POST /me is 405 with an empty body; unknown API paths are the 404 page', async () => {
    const res = await t.http().post(`${FLEET}/me`).set('Authorization', `Bearer ${adminToken}`);
    expect(res.status).toBe(405);
    expect(res.text).toBe('');
    const nope = await t.http().get(`${FLEET}/nope`).set('Authorization', `Bearer ${adminToken}`);
    expect(nope.status).toBe(404);
    expect(nope.text).toBe('404 page not found\n');
  });
});

describe('session routes: authorization and errors', () => {
  let t: TestApp;
  let adminToken: string;
  let callers: CallerTokens;
  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await t.setup()).token;
    callers = await makeCallers(t, adminToken);
  });
  afterAll(() => t.close());
  const asAdmin = (req: import('supertest').Test) => req.set('Authorization', `Bearer ${adminToken}`);

  test('GET /me: any live session, including one that must reset its password', async () => {
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/me`)), matrixFor('auth_any'));
  });

  test('POST /logout: any live session', async () => {
    const fresh = await makeCallers(t, await t.login('admin'));
    await expectAuthMatrix(fresh, (auth) => auth(t.http().post(`${FLEET}/logout`)), matrixFor('auth_any'));
  });

  test('GET /sessions/{id}: admin only; unknown id 404; non-numeric id 400', async () => {
    const own = await t.services.sessions.authenticate(adminToken);
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/sessions/${own.session.id}`)), matrixFor('admin'));
    const res = await asAdmin(t.http().get(`${FLEET}/sessions/${own.session.id}`));
    expect(res.body).toEqual({ session_id: own.session.id, user_id: own.user.id, created_at: expect.any(String) });
    expect((await asAdmin(t.http().get(`${FLEET}/sessions/99999`))).status).toBe(404);
    badRequest(await asAdmin(t.http().get(`${FLEET}/sessions/abc`)));
  });

  test('DELETE /sessions/{id}: admin only; ends that session', async () => {
    await expectAuthMatrix(
      callers,
      async (auth) => {
        const victim = await t.createUser();
        const s = await t.services.sessions.authenticate(victim.token);
        return auth(t.http().delete(`${FLEET}/sessions/${s.session.id}`));
      },
      matrixFor('admin'),
    );
    const victim = await t.createUser();
    const s = await t.services.sessions.authenticate(victim.token);
    expect((await asAdmin(t.http().delete(`${FLEET}/sessions/${s.session.id}`))).body).toEqual({});
    unauthenticated(await t.http().get(`${FLEET}/me`).set('Authorization', `Bearer ${victim.token}`));
    expect((await asAdmin(t.http().delete(`${FLEET}/sessions/99999`))).status).toBe(404);
  });

  test('GET /users/{id}/sessions: any active user, or yourself', async () => {
    const target = callers.ids.user;
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/users/${target}/sessions`)), matrixFor('active'));
    const res = await asAdmin(t.http().get(`${FLEET}/users/${target}/sessions`));
    expect(res.body.sessions).toEqual([{ session_id: expect.any(Number), user_id: target, created_at: expect.any(String) }]);
    const none = await asAdmin(t.http().get(`${FLEET}/users/99999/sessions`));
    expect(none.body).toEqual({ sessions: null });
    badRequest(await asAdmin(t.http().get(`${FLEET}/users/x/sessions`)));
  });

  test('DELETE /users/{id}/sessions: yourself or an admin', async () => {
    const fresh = await makeCallers(t, await t.login('admin'));
    await expectAuthMatrix(
      fresh,
      (auth) => auth(t.http().delete(`${FLEET}/users/${fresh.ids.user}/sessions`)),
      // the plain user ends their own sessions (200) before the admin's turn: admin still 200
      { anonymous: 401, bad_token: 401, user: 200, admin: 200, disabled: 401, reset_required: 403 },
    );
    const other = await makeCallers(t, await t.login('admin'));
    const res = await t.http().delete(`${FLEET}/users/${other.ids.admin}/sessions`).set('Authorization', `Bearer ${other.tokens.user}`);
    expectError(res, 403, 'Permission Denied', [{ reason: 'no write permissions on user' }]);
  });
});
