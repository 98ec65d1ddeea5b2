import type { Test } from 'supertest';
import { hashToken } from '../../internal/crypto/tokens';
import { inviteMail } from '../../internal/mail/templates';
import { expectAuthMatrix, makeCallers, matrixFor, type CallerTokens } from '../support/auth-matrix';
import { TestSmtpServer } from '../support/smtp';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app';
import { FLEET, HUGE, KOLIDE, badRequest, configureSmtp, expectError, linkToken, notFound, startSmtp, subjectOf, validation } from './helpers';

const FIVE_DAYS_MS = 5 * 24 * 3600 * 1000;
const missing = (name: string) => ({ name, reason: 'missing required argument' });

let t: TestApp;
let smtp: TestSmtpServer;
let adminToken: string;
let adminId: number;
let callers: CallerTokens;
let seq = 0;

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.stop());
beforeEach(async () => {
  t = await startTestApp();
  const setup = await t.setup();
  adminToken = setup.token;
  adminId = setup.user.id;
  callers = await makeCallers(t, adminToken);
  smtp.failWith = null;
});
afterEach(() => t.close());

const asAdmin = (req: Test) => req.set('Authorization', `Bearer ${adminToken}`);
const create = (body: unknown) => asAdmin(t.http().post(`${FLEET}/invites`)).send(body as object);
const nextEmail = () => `invitee${++seq}@example.com`;

/** An invite stored directly with a known token. */
async function storedInvite(email = nextEmail()): Promise<{ id: number; token: string }> {
  const token = `known-token-${++seq}`;
  const invite = await t.ds.newInvite({ email, invited_by: adminId, admin: false, name: '', position: '', sso_enabled: false, token_hash: hashToken(token) });
  return { id: invite.id, token };
}

describe('POST /invites', () => {
  test('invite by mail, verify the link’s token, sign up with it: the invite is consumed', async () => {
    await configureSmtp(t, smtp);
    const before = smtp.messages.length;
    const res = await create({ email: 'Nina@Example.com', invited_by: adminId, admin: true, name: 'Nina', position: 'SRE' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      invite: {
        created_at: expect.any(String),
        updated_at: expect.any(String),
        id: expect.any(Number),
        invited_by: adminId,
        email: 'nina@example.com',
        admin: true,
        name: 'Nina',
        position: 'SRE',
        sso_enabled: false,
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/token/);

    const mail = await smtp.waitFor(before + 1);
    expect(mail.to).toEqual(['nina@example.com']);
    expect(subjectOf(mail)).toBe('You are Invited to Fleet');
    const link = new URL(TestSmtpServer.link(mail, '/login/invites/'));
    expect(link.origin).toBe('https://fleet.example.com');
    expect(link.searchParams.get('name')).toBe('Nina');
    expect(link.searchParams.get('email')).toBe('nina@example.com');
    const token = linkToken(mail, '/login/invites/');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const verified = await t.http().get(`${FLEET}/invites/${token}`);
    expect(verified.status).toBe(200);
    expect(verified.body.invite).toEqual(res.body.invite);

    const signUp = await t.http().post(`${FLEET}/users`).send({ username: 'nina', password: PASSWORD, email: 'nina@example.com', invite_token: token });
    expect(signUp.status).toBe(200);
    expect(signUp.body.user).toMatchObject({ username: 'nina', admin: true, name: 'Nina' });
    notFound(await t.http().get(`${FLEET}/invites/${token}`), 'Invite with token was not found in the datastore');
    expect((await asAdmin(t.http().get(`${FLEET}/invites`))).body.invites).toEqual([]);
  });

  test('an SSO invite links to the SSO sign-up page', async () => {
    await configureSmtp(t, smtp);
    const before = smtp.messages.length;
    expect((await create({ email: 'sso@example.com', invited_by: adminId, admin: false, sso_enabled: true })).body.invite.sso_enabled).toBe(true);
    const mail = await smtp.waitFor(before + 1);
    expect(TestSmtpServer.link(mail, '/login/ssoinvites/')).toMatch(/^https:\/\/fleet\.example\.com\/login\/ssoinvites\/[A-Za-z0-9_-]{43}\?/);
  });

  test('without SMTP the invite is still created and listed (no mail is sent)', async () => {
    const before = smtp.messages.length;
    const res = await create({ email: 'nomail@example.com', invited_by: adminId, admin: false });
    expect(res.status).toBe(200);
    const list = await asAdmin(t.http().get(`${FLEET}/invites`));
    expect(list.body.invites.map((i: { email: string }) => i.email)).toEqual(['nomail@example.com']);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages.length).toBe(before);
  });

  test('a failing SMTP server: the invite is kept and the answer is still 200', async () => {
    await configureSmtp(t, smtp);
    smtp.failWith = 'mailbox unavailable';
    const res = await create({ email: 'bounce@example.com', invited_by: adminId, admin: false });
    expect(res.status).toBe(200);
    expect((await asAdmin(t.http().get(`${FLEET}/invites`))).body.invites).toHaveLength(1);
  });

  test('admin only', async () => {
    await expectAuthMatrix(
      callers,
      (auth) => auth(t.http().post(`${FLEET}/invites`)).send({ email: nextEmail(), invited_by: adminId, admin: false }),
      matrixFor('admin'),
    );
  });

  test('validation: email, invited_by and admin are required', async () => {
    validation(await create({}), [missing('email'), missing('invited_by'), missing('admin')]);
    validation(await create({ email: '', invited_by: adminId, admin: false }), [{ name: 'email', reason: 'cannot be empty' }]);
    validation(await create({ email: 'a@example.com', invited_by: 'one', admin: 'no' }), [
      { name: 'invited_by', reason: 'must be a user id' },
      { name: 'admin', reason: 'must be a boolean' },
    ]);
    validation(await create({ email: 'a@example.com', invited_by: 1.5, admin: false }), [{ name: 'invited_by', reason: 'must be a user id' }]);
    validation(await create({ email: HUGE, invited_by: adminId, admin: false }), [{ name: 'email', reason: 'is too long' }]);
    validation(await create({ email: 'a@example.com', invited_by: adminId, admin: false, name: 5 }), [{ name: 'name', reason: 'must be a string' }]);
    badRequest(await asAdmin(t.http().post(`${FLEET}/invites`)).set('Content-Type', 'application/json').send('{"email":}'));
    badRequest(await create([{ email: 'a@example.com' }]));
  });

  test('an existing user’s email → 422; unknown invited_by → 404', async () => {
    validation(await create({ email: 'ADMIN@example.com', invited_by: adminId, admin: false }), [
      { name: 'email', reason: 'a user with this account already exists' },
    ]);
    notFound(await create({ email: 'x@example.com', invited_by: 99999, admin: false }), 'User with id=99999 was not found in the datastore');
  });

  test('a second invite for the same email → 409; once the first has expired it is replaced', async () => {
    expect((await create({ email: 'twice@example.com', invited_by: adminId, admin: false })).status).toBe(200);
    const again = await create({ email: 'Twice@example.com', invited_by: adminId, admin: true });
    expectError(again, 409, 'Resource Already Exists', [{ name: 'base', reason: 'Invite 0 already exists in the datastore' }]);

    t.clock.advance(FIVE_DAYS_MS + 1000);
    const replaced = await create({ email: 'twice@example.com', invited_by: adminId, admin: true });
    expect(replaced.status).toBe(200);
    const list = (await asAdmin(t.http().get(`${FLEET}/invites`))).body.invites;
    expect(list).toHaveLength(1);
    expect(list[0].admin).toBe(true);
  });

  test('the invite mail escapes HTML', () => {
    const mail = inviteMail({ baseUrl: 'https://f.example', token: 'tok', name: '<b>Eve</b>', email: 'e@example.com', sso: false, invitedByName: 'A & B', orgName: '' });
    expect(mail.html).toContain('A &amp; B');
    expect(mail.html).not.toContain('<b>Eve</b>');
    expect(mail.text).toContain('https://f.example/login/invites/tok?name=%3Cb%3EEve%3C%2Fb%3E&email=e%40example.com');
  });
});

describe('GET /invites', () => {
  test('admin only; lists every invite, expired ones included', async () => {
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/invites`)), matrixFor('admin'));
    await storedInvite('b@example.com');
    t.clock.advance(FIVE_DAYS_MS * 2);
    await storedInvite('a@example.com');
    const res = await asAdmin(t.http().get(`${KOLIDE}/invites`));
    expect(res.body.invites.map((i: { email: string }) => i.email)).toEqual(['b@example.com', 'a@example.com']);
  });

  test('ordering by allow-listed keys; paging', async () => {
    await storedInvite('b@example.com');
    await storedInvite('a@example.com');
    await storedInvite('c@example.com');
    const byEmail = await asAdmin(t.http().get(`${FLEET}/invites?order_key=email&order_direction=desc`));
    expect(byEmail.body.invites.map((i: { email: string }) => i.email)).toEqual(['c@example.com', 'b@example.com', 'a@example.com']);
    const page = await asAdmin(t.http().get(`${FLEET}/invites?page=1&per_page=2`));
    expect(page.body.invites).toHaveLength(1);
    validation(await asAdmin(t.http().get(`${FLEET}/invites?order_key=token_hash`)), [{ name: 'order_key', reason: /^order_key is not one of/ }]);
    expect((await asAdmin(t.http().get(`${FLEET}/invites?order_key=email&order_direction=sideways`))).status).toBe(422);
    expect((await asAdmin(t.http().get(`${FLEET}/invites?per_page=x`))).status).toBe(400);
  });
});

describe('DELETE /invites/{id}', () => {
  test('admin only; deletes; unknown → 404; non-numeric → 400', async () => {
    await expectAuthMatrix(
      callers,
      async (auth) => auth(t.http().delete(`${FLEET}/invites/${(await storedInvite()).id}`)),
      matrixFor('admin'),
    );
    const { id, token } = await storedInvite();
    const res = await asAdmin(t.http().delete(`${FLEET}/invites/${id}`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await t.http().get(`${FLEET}/invites/${token}`)).status).toBe(404);
    notFound(await asAdmin(t.http().delete(`${FLEET}/invites/${id}`)), `invites ${id} was not found in the datastore`);
    badRequest(await asAdmin(t.http().delete(`${FLEET}/invites/abc`)));
  });
});

describe('GET /invites/{token}', () => {
  test('public', async () => {
    const { token } = await storedInvite();
    await expectAuthMatrix(callers, (auth) => auth(t.http().get(`${FLEET}/invites/${token}`)), matrixFor('public'));
  });

  test('unknown → 404 without echoing the token; expired → 422', async () => {
    const res = await t.http().get(`${FLEET}/invites/some-secret-guess`);
    notFound(res, 'Invite with token was not found in the datastore');
    expect(res.text).not.toContain('some-secret-guess');

    const { token } = await storedInvite();
    t.clock.advance(FIVE_DAYS_MS - 1000);
    expect((await t.http().get(`${FLEET}/invites/${token}`)).status).toBe(200);
    t.clock.advance(2000);
    validation(await t.http().get(`${FLEET}/invites/${token}`), [{ name: 'invite_token', reason: 'Invite token has expired.' }]);
    expect((await t.http().get(`${FLEET}/invites/${'x'.repeat(5000)}`)).status).toBe(404);
  });

  test('other methods on /invites/{x} → 405', async () => {
    const res = await asAdmin(t.http().patch(`${FLEET}/invites/1`)).send({});
    expect(res.status).toBe(405);
    expect(res.text).toBe('');
  });
});
