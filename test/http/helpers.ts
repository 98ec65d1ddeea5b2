import type { Response } from 'supertest';
import type { TestApp } from '../support/test-app';
import { TestSmtpServer, type ReceivedMail } from '../support/smtp';

export const FLEET = '/api/v1/fleet';
export const KOLIDE = '/api/v1/kolide';

/** Stores SMTP settings pointing at a TestSmtpServer, as a successful SMTP test would leave them. */
export async function configureSmtp(t: TestApp, smtp: TestSmtpServer): Promise<void> {
  const config = await t.ds.appConfig();
  config.smtp_settings = {
    ...config.smtp_settings,
    configured: true,
    sender_address: 'fleet@example.com',
    server: '127.0.0.1',
    port: smtp.port,
    authentication_type: 'authtype_none',
    enable_ssl_tls: false,
    enable_start_tls: false,
  };
  await t.ds.saveAppConfig(config);
}

/** A started loopback SMTP server; stop it in afterAll/afterEach. */
export async function startSmtp(): Promise<TestSmtpServer> {
  const smtp = new TestSmtpServer();
  await smtp.start();
  return smtp;
}

/** The value of a query parameter of the first link in the mail containing `fragment`. */
export function linkParam(mail: ReceivedMail, fragment: string, param: string): string {
  const value = new URL(TestSmtpServer.link(mail, fragment)).searchParams.get(param);
  if (!value) throw new Error(`no ${param} in link`);
  return value;
}

/** The last path segment of the first link in the mail containing `fragment`. */
export function linkToken(mail: ReceivedMail, fragment: string): string {
  const url = new URL(TestSmtpServer.link(mail, fragment));
  return decodeURIComponent(url.pathname.split('/').pop()!);
}

/** The subject header of a received mail. */
export function subjectOf(mail: ReceivedMail): string {
  return /^Subject: (.*)$/m.exec(mail.raw)?.[1]?.trim() ?? '';
}

/** Asserts Fleet's error body: status, message and the `{name, reason}` list. */
export function expectError(
  res: Response,
  status: number,
  message: string,
  errors: Array<{ name?: string; reason: string | RegExp }>,
): void {
  expect({ status: res.status, message: res.body?.message }).toEqual({ status, message });
  expect(res.body.errors).toHaveLength(errors.length);
  errors.forEach((e, i) => {
    const got = res.body.errors[i];
    if (e.name === undefined) expect(got.name).toBeUndefined();
    else expect(got.name).toBe(e.name);
    if (e.reason instanceof RegExp) expect(got.reason).toMatch(e.reason);
    else expect(got.reason).toBe(e.reason);
  });
}

export const validation = (res: Response, errors: Array<{ name: string; reason: string | RegExp }>) =>
  expectError(res, 422, 'Validation Failed', errors);

export const notFound = (res: Response, reason: string) => expectError(res, 404, 'Resource Not Found', [{ name: 'base', reason }]);

export const badRequest = (res: Response) => {
  expect(res.status).toBe(400);
  expect(res.body.message).toBe('Bad Request');
};

/** A string longer than any field accepts. */
export const HUGE = 'x'.repeat(100_000);
