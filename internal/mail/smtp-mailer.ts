import nodemailer from 'nodemailer';
import { MailError } from '../fleet/errors';
import type { MailMessage, Mailer, SmtpSettings } from './mailer';

const TIMEOUT_MS = 10_000;

const AUTH_METHODS: Record<SmtpSettings['authentication_method'], string> = {
  authmethod_plain: 'PLAIN',
  authmethod_cram_md5: 'CRAM-MD5',
  authmethod_login: 'LOGIN',
};

/** nodemailer transport options for Fleet's SMTP settings (exported for tests). */
export function transportOptions(smtp: SmtpSettings) {
  const implicitTls = smtp.enable_ssl_tls && smtp.port === 465;
  return {
    host: smtp.server,
    port: smtp.port,
    secure: implicitTls,
    // With TLS on, STARTTLS is mandatory when asked for, otherwise opportunistic; with
    // TLS off the connection stays plain even when the server offers STARTTLS.
    requireTLS: smtp.enable_ssl_tls && smtp.enable_start_tls && !implicitTls,
    ignoreTLS: !smtp.enable_ssl_tls,
    tls: { rejectUnauthorized: smtp.verify_ssl_certs },
    ...(smtp.domain ? { name: smtp.domain } : {}),
    ...(smtp.authentication_type === 'authtype_username_password'
      ? { auth: { user: smtp.user_name, pass: smtp.password }, authMethod: AUTH_METHODS[smtp.authentication_method] ?? 'PLAIN' }
      : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    dnsTimeout: TIMEOUT_MS,
  };
}

/**
 * Sends through the SMTP settings of the moment (they change at run time, so a transport
 * is built per send and closed afterwards).
 */
export class SmtpMailer implements Mailer {
  async send(smtp: SmtpSettings, message: MailMessage): Promise<void> {
    if (!smtp.server) throw new MailError('sending mail: no SMTP server configured');
    const transport = nodemailer.createTransport(transportOptions(smtp));
    try {
      await transport.sendMail({
        from: smtp.sender_address,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
      });
    } catch (err) {
      throw new MailError(`sending mail: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      transport.close();
    }
  }
}
