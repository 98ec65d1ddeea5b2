import { buildContainer, resolveServices } from '../../cmd/fleet/container';
import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import { MockClock } from '../../internal/clock/clock';
import { defaultConfig } from '../../internal/config/config';
import { hashToken } from '../../internal/crypto/tokens';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, PermissionError, type Datastore, type Viewer } from '../../internal/fleet';
import type { Logger, LogMeta } from '../../internal/logging';
import type { MailMessage, Mailer, SmtpSettings } from '../../internal/mail/mailer';
import type { Services } from '../../transport/http/services';

const PASSWORD = 'p4ssw0rd!';

/** Records every log line and every mail, so tests can check what leaks into logs. */
class Recorder implements Logger, Mailer {
  readonly lines: Array<{ level: string; message: string; meta?: LogMeta }> = [];
  readonly mails: MailMessage[] = [];
  fail: Error | null = null;
  debug = (message: string, meta?: LogMeta) => void this.lines.push({ level: 'debug', message, meta });
  info = (message: string, meta?: LogMeta) => void this.lines.push({ level: 'info', message, meta });
  warn = (message: string, meta?: LogMeta) => void this.lines.push({ level: 'warn', message, meta });
  error = (message: string, meta?: LogMeta) => void this.lines.push({ level: 'error', message, meta });
  async send(_smtp: SmtpSettings, message: MailMessage): Promise<void> {
    if (this.fail) throw this.fail;
    this.mails.push(message);
  }
  logText(): string {
    return JSON.stringify(this.lines);
  }
}

let ds: Datastore;
let services: Services;
let rec: Recorder;
let clock: MockClock;

beforeEach(async () => {
  const config = defaultConfig();
  config.auth.bcrypt_cost = 4;
  ds = new InmemDatastore();
  await ds.prepare();
  rec = new Recorder();
  clock = new MockClock();
  services = resolveServices(buildContainer({ config, datastore: ds, logger: rec, clock, mailer: rec }));
  const app = await ds.appConfig();
  app.server_settings.kolide_server_url = 'https://fleet.example.com';
  app.smtp_settings.configured = true;
  await ds.saveAppConfig(app);
});

async function viewerFor(username: string, fields: { admin?: boolean } = {}): Promise<Viewer> {
  const user = await services.users.createUser({ username, email: `${username}@example.com`, password: PASSWORD, admin: fields.admin });
  return services.sessions.authenticate(await services.sessions.makeSession(user));
}

const tokenOf = (mail: MailMessage) => /(?:token=|\/change\/|\/invites\/)([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;

describe('UserService', () => {
  test('createUser collects Fleet’s reasons in order', async () => {
    const err = await services.users.createUser({}).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.reasons).toEqual([
      { name: 'username', reason: 'missing required argument' },
      { name: 'password', reason: 'missing required argument' },
      { name: 'email', reason: 'missing required argument' },
    ]);
  });

  test('passwords are stored as bcrypt hashes with a salt, never in clear', async () => {
    const v = await viewerFor('hashme');
    expect(v.user.password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(v.user.password_hash).not.toContain(PASSWORD);
    expect(v.user.salt).toHaveLength(32);
  });

  test('forgot password: neither the token nor its hash is logged; the mail carries the link', async () => {
    await viewerFor('forgetter');
    await services.users.forgotPassword('forgetter@example.com');
    await new Promise((r) => setImmediate(r));
    expect(rec.mails).toHaveLength(1);
    expect(rec.mails[0]!.subject).toBe('Reset Your Fleet Password');
    const token = tokenOf(rec.mails[0]!);
    expect(rec.mails[0]!.text).toContain(`https://fleet.example.com/login/reset?token=${token}`);
    expect(rec.logText()).not.toContain(token);
    const stored = await ds.passwordResetByTokenHash(hashToken(token));
    expect(stored).not.toBeNull();
    expect(rec.logText()).not.toContain(stored!.token_hash);
  });

  test('forgot password: a mail failure is logged, not thrown', async () => {
    await viewerFor('unlucky');
    rec.fail = new Error('connection refused');
    await expect(services.users.forgotPassword('unlucky@example.com')).resolves.toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(rec.lines.some((l) => l.level === 'error' && /reset mail failed/.test(l.message))).toBe(true);
  });

  test('reset password: unknown and expired tokens are the same 422', async () => {
    await viewerFor('resetter');
    await services.users.forgotPassword('resetter@example.com');
    await new Promise((r) => setImmediate(r));
    const token = tokenOf(rec.mails[0]!);
    clock.advance(24 * 3600 * 1000 + 1);
    for (const t of [token, 'unknown']) {
      const err = await services.users.resetPassword(t, 'n3w-Passw0rd').catch((e) => e);
      expect(err.reasons).toEqual([{ name: 'password_reset_token', reason: 'invalid or expired password reset token' }]);
    }
  });

  test('email change: wrong password is a field-level permission error; the password is never logged', async () => {
    const v = await viewerFor('mover');
    const err = await services.users.modifyUser(v, v.user.id, { email: 'new@example.com', password: 'wr0ng!pw' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect(err).toMatchObject({ reason: 'incorrect password', field: 'password' });

    await services.users.modifyUser(v, v.user.id, { email: 'new@example.com', password: PASSWORD });
    expect(rec.mails.map((m) => [m.to, m.subject])).toEqual([['new@example.com', 'Confirm Fleet Email Change']]);
    const token = tokenOf(rec.mails[0]!);
    expect(rec.logText()).not.toContain(token);
    expect(rec.logText()).not.toContain(PASSWORD);
    expect(await services.users.changeEmail(v, token)).toBe('new@example.com');
    await expect(services.users.changeEmail(v, token)).rejects.toThrow(new NotFoundError('email change', 'with token'));
  });

  test('email change to an address another user holds is a conflict before any mail', async () => {
    await viewerFor('holder');
    const v = await viewerFor('grabber');
    await expect(services.users.modifyUser(v, v.user.id, { email: 'HOLDER@example.com', password: PASSWORD })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(rec.mails).toHaveLength(0);
  });

  test('disabling and requiring a reset end sessions; enabling does not', async () => {
    const v = await viewerFor('sessions');
    await services.users.enableUser(v.user.id, true);
    expect(await ds.listSessionsForUser(v.user.id)).toHaveLength(1);
    await services.users.requirePasswordReset(v.user.id, true);
    expect(await ds.listSessionsForUser(v.user.id)).toHaveLength(0);
    await services.sessions.makeSession(await ds.user(v.user.id));
    await services.users.enableUser(v.user.id, false);
    expect(await ds.listSessionsForUser(v.user.id)).toHaveLength(0);
  });
});

describe('InviteService', () => {
  test('the invite token is only in the mail: not in the invite, not in the logs', async () => {
    const admin = await viewerFor('inviter', { admin: true });
    const invite = await services.invites.createInvite({ email: 'Guest@Example.com', invited_by: admin.user.id, admin: false, name: 'Guest' });
    expect(invite.email).toBe('guest@example.com');
    expect(rec.mails).toHaveLength(1);
    const token = tokenOf(rec.mails[0]!);
    expect(rec.mails[0]!.text).toContain(`https://fleet.example.com/login/invites/${token}?name=Guest&email=guest%40example.com`);
    expect(rec.logText()).not.toContain(token);
    expect(rec.logText()).not.toContain(invite.token_hash);
    expect((await services.invites.verifyInvite(token)).id).toBe(invite.id);
  });

  test('without SMTP the invite is created and the reason is logged', async () => {
    const app = await ds.appConfig();
    app.smtp_settings.configured = false;
    await ds.saveAppConfig(app);
    const admin = await viewerFor('inviter2', { admin: true });
    await services.invites.createInvite({ email: 'quiet@example.com', invited_by: admin.user.id, admin: false });
    expect(rec.mails).toHaveLength(0);
    expect(rec.lines.some((l) => l.level === 'warn' && /SMTP is not configured/.test(l.message))).toBe(true);
    expect(await ds.listInvites({ page: 0, orderDirection: 'asc' })).toHaveLength(1);
  });

  test('a failed send keeps the invite and logs the error', async () => {
    const admin = await viewerFor('inviter3', { admin: true });
    rec.fail = new Error('sending mail: 554 rejected');
    await expect(services.invites.createInvite({ email: 'bounce@example.com', invited_by: admin.user.id, admin: false })).resolves.toBeTruthy();
    expect(rec.lines.some((l) => l.level === 'error' && JSON.stringify(l.meta).includes('554 rejected'))).toBe(true);
  });
});
