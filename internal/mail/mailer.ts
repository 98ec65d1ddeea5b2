import type { AppConfig } from '../fleet/app-config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export type SmtpSettings = AppConfig['smtp_settings'];

/** Sends mail through the SMTP settings of the app config (they change at run time). */
export interface Mailer {
  /** Throws MailError with the SMTP failure. */
  send(smtp: SmtpSettings, message: MailMessage): Promise<void>;
}
