// What every command gets: where to write, which config file and context, and a client for it.
import type { Command } from 'commander';
import { FleetClient } from './client';
import { defaultConfigPath, readContext, updateContext, type Context } from './context-config';
import { CliError } from './errors';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** The progress line of `query` is drawn only on a terminal. */
  stderrIsTerminal: boolean;
  env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  config: string;
  context: string;
  debug: boolean;
}

export class Runtime {
  constructor(
    readonly io: Io,
    readonly globals: GlobalOptions,
  ) {}

  /** Global flags may be given before or after the subcommand; this reads them from the command that runs. */
  static fromCommand(io: Io, cmd: Command): Runtime {
    const o = cmd.optsWithGlobals() as Partial<GlobalOptions>;
    return new Runtime(io, {
      config: o.config || defaultConfigPath(io.env),
      context: o.context || 'default',
      debug: Boolean(o.debug),
    });
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  context(): Context {
    return readContext(this.globals.config, this.globals.context);
  }

  updateContext(edit: (ctx: Context) => void): void {
    updateContext(this.globals.config, this.globals.context, edit);
  }

  /** A client for the selected context; `needToken` refuses early when nobody logged in. */
  client(needToken = true): FleetClient {
    const ctx = this.context();
    if (!ctx.address) throw new CliError('set the Fleet API address with: fleetctl config set --address https://localhost:8080');
    if (needToken && !ctx.token) throw new CliError('not logged in: run fleetctl login (or fleetctl setup on a new server)');
    return new FleetClient({
      address: ctx.address,
      token: ctx.token,
      urlPrefix: ctx['url-prefix'],
      tlsSkipVerify: ctx['tls-skip-verify'],
      rootca: ctx.rootca,
      debug: this.globals.debug ? (line) => this.err(`[debug] ${line}`) : undefined,
    });
  }

  /** Runs `fn` with a client and always releases its sockets so the process can exit. */
  async withClient<T>(fn: (client: FleetClient) => Promise<T>, needToken = true): Promise<T> {
    const client = this.client(needToken);
    try {
      return await fn(client);
    } finally {
      client.close();
    }
  }
}
