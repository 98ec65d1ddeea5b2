import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on loopback that keeps every message it receives, so tests can
 * read links out of the mail the server sent. `failWith` makes it reject messages.
 */
export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  /** Messages refused because of `failWith`. */
  rejected = 0;
  failWith: string | null = null;
  private server: SMTPServer;
  private waiters: Array<() => void> = [];
  port = 0;

  constructor(opts: { auth?: { user: string; pass: string } } = {}) {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !opts.auth,
      logger: false,
      onAuth: (auth, _session, cb) => {
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
          return cb(null, { user: auth.username });
        }
        cb(new Error('Invalid username or password'));
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.failWith) {
            this.rejected++;
            this.waiters.splice(0).forEach((w) => w());
            return cb(new Error(this.failWith));
          }
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          this.waiters.splice(0).forEach((w) => w());
          cb();
        });
      },
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Resolves with the message once `count` messages have arrived. */
  async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${this.messages.length}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return this.messages[count - 1]!;
  }

  /** Resolves once `count` messages have been refused (so no send is still in flight). */
  async waitForRejected(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.rejected < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} refused mails, got ${this.rejected}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  /** Decoded body text of a message (quoted-printable soft breaks undone). */
  static body(mail: ReceivedMail): string {
    return mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  }

  /** The first URL in a message containing `fragment`. */
  static link(mail: ReceivedMail, fragment: string): string {
    const m = TestSmtpServer.body(mail).match(new RegExp(`https?://[^\\s"<>]*${fragment}[^\\s"<>]*`));
    if (!m) throw new Error(`no link with ${fragment} in mail`);
    return m[0];
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
