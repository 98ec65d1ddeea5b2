import { MailError, defaultAppConfig } from '../../internal/fleet';
import type { SmtpSettings } from '../../internal/mail/mailer';
import { SmtpMailer, transportOptions } from '../../internal/mail/smtp-mailer';
import { smtpTestMail } from '../../internal/mail/templates';
import { TestSmtpServer } from '../support/smtp';

const settings = (over: Partial<SmtpSettings> = {}): SmtpSettings => ({
  ...defaultAppConfig().smtp_settings,
  configured: true,
  sender_address: 'fleet@example.com',
  server: '127.0.0.1',
  ...over,
});

describe('transportOptions', () => {
  test('implicit TLS only on port 465 with SSL/TLS on', () => {
    expect(transportOptions(settings({ port: 465, enable_ssl_tls: true }))).toMatchObject({ secure: true, requireTLS: false, ignoreTLS: false });
    expect(transportOptions(settings({ port: 587, enable_ssl_tls: true, enable_start_tls: true }))).toMatchObject({ secure: false, requireTLS: true, ignoreTLS: false });
    expect(transportOptions(settings({ port: 587, enable_ssl_tls: true, enable_start_tls: false }))).toMatchObject({ secure: false, requireTLS: false, ignoreTLS: false });
    expect(transportOptions(settings({ port: 465, enable_ssl_tls: false }))).toMatchObject({ secure: false, requireTLS: false, ignoreTLS: true });
  });

  test('certificate verification, auth method and HELO domain follow the settings', () => {
    const opts = transportOptions(settings({ verify_ssl_certs: false, authentication_method: 'authmethod_cram_md5', user_name: 'u', password: 'p', domain: 'mx.example.com' }));
    expect(opts).toMatchObject({ tls: { rejectUnauthorized: false }, auth: { user: 'u', pass: 'p' }, authMethod: 'CRAM-MD5', name: 'mx.example.com' });
    expect(transportOptions(settings({ authentication_method: 'authmethod_login' }))).toMatchObject({ authMethod: 'LOGIN' });
    expect(transportOptions(settings({ authentication_type: 'authtype_none' }))).not.toHaveProperty('auth');
    expect(transportOptions(settings()).connectionTimeout).toBeLessThanOrEqual(10_000);
  });
});

describe('SmtpMailer', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
  });
  afterAll(() => smtp.stop());

  test('delivers from the sender address with the text and HTML parts', async () => {
    const before = smtp.messages.length;
    await new SmtpMailer().send(
      settings({ port: smtp.port, enable_ssl_tls: false, authentication_type: 'authtype_none' }),
      { to: 'admin@example.com', ...smtpTestMail() },
    );
    const mail = await smtp.waitFor(before + 1);
    expect(mail.from).toBe('fleet@example.com');
    expect(mail.to).toEqual(['admin@example.com']);
    expect(mail.raw).toMatch(/^Subject: Hello from Fleet/m);
    expect(mail.raw).toMatch(/text\/html/);
  });

  test('an SMTP refusal becomes a MailError "sending mail: …"', async () => {
    smtp.failWith = 'mailbox full';
    try {
      await expect(
        new SmtpMailer().send(settings({ port: smtp.port, enable_ssl_tls: false, authentication_type: 'authtype_none' }), { to: 'a@example.com', subject: 's', text: 't' }),
      ).rejects.toThrow(/^sending mail: .*mailbox full/);
    } finally {
      smtp.failWith = null;
    }
  });

  test('authenticates with the stored user name and password (PLAIN and LOGIN)', async () => {
    const authed = new TestSmtpServer({ auth: { user: 'fleet', pass: 's3cret' } });
    const port = await authed.start();
    try {
      const base = { port, enable_ssl_tls: false, authentication_type: 'authtype_username_password' as const, user_name: 'fleet', password: 's3cret' };
      await new SmtpMailer().send(settings({ ...base, authentication_method: 'authmethod_plain' }), { to: 'a@example.com', subject: 's', text: 't' });
      await new SmtpMailer().send(settings({ ...base, authentication_method: 'authmethod_login' }), { to: 'a@example.com', subject: 's', text: 't' });
      expect(authed.messages).toHaveLength(2);
      await expect(
        new SmtpMailer().send(settings({ ...base, password: 'wrong' }), { to: 'a@example.com', subject: 's', text: 't' }),
      ).rejects.toThrow(/^sending mail: .*Invalid/);
    } finally {
      await authed.stop();
    }
  });

  test('an unreachable server and a missing server are MailErrors too', async () => {
    const closed = new TestSmtpServer();
    const port = await closed.start();
    await closed.stop();
    await expect(new SmtpMailer().send(settings({ port, enable_ssl_tls: false }), { to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow(/^sending mail: /);
    await expect(new SmtpMailer().send(settings({ server: '' }), { to: 'a@example.com', subject: 's', text: 't' })).rejects.toBeInstanceOf(MailError);
  });
});
