// `fleetctl setup`, `login`, `logout`: obtain or drop the session token kept in the context.
import type { Command } from 'commander';
import { ApiError, CliError } from '../errors';
import { promptNewPassword, promptPassword } from '../prompt';
import { Runtime, type Io } from '../runtime';

interface SetupOptions {
  email: string;
  username?: string;
  password?: string;
  orgName: string;
  serverUrl?: string;
}

/**
 * Fleet requires an https server URL (osquery only speaks TLS). A plain-http loopback address
 * (a local server behind a TLS proxy, or a demo) gets the https form of the same host, said aloud.
 */
function agentUrlFor(rt: Runtime, base: URL): string {
  if (base.protocol === 'https:') return base.origin;
  const url = `https://${base.host}`;
  rt.err(`[!] the address is not https: the server URL for osquery agents is set to ${url} (change it with --server-url or fleetctl apply of a config document)`);
  return url;
}

export function registerSession(program: Command, io: Io): void {
  program
    .command('setup')
    .description('Set up a new Fleet server: create the first admin and log in as it')
    .requiredOption('--email <email>', 'email of the admin user to create')
    .option('--username <name>', 'username of the admin (defaults to the email)')
    .option('--password <password>', 'password of the admin (prompted for when absent)')
    .option('--org-name <name>', 'name of the organization', '')
    .option('--server-url <url>', 'https URL osquery agents use to reach Fleet (defaults to the address)')
    .action(async (opts: SetupOptions, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      const password = opts.password ?? (await promptNewPassword(io));
      const token = await rt.withClient(async (client) => {
        const serverUrl = opts.serverUrl ?? agentUrlFor(rt, client.base);
        const res = await client.raw(
          'POST',
          '/api/v1/setup',
          {
            admin: { admin: true, username: opts.username || opts.email, email: opts.email, password },
            org_info: { org_name: opts.orgName },
            kolide_server_url: serverUrl,
          },
          false,
        );
        if (res.status === 404) throw new CliError('Fleet has already been setup');
        if (res.status !== 200) throw new ApiError(res.status, res.body);
        return (res.body as { token: string }).token;
      }, false);
      rt.updateContext((ctx) => {
        ctx.email = opts.email;
        ctx.token = token;
      });
      rt.out('[+] Fleet setup successful and context configured!');
    });

  program
    .command('login')
    .description('Log in to Fleet and store the session token in the context')
    .option('--email <email>', 'email to log in with (defaults to the context email)')
    .option('--password <password>', 'password (prompted for without echo when absent)')
    .action(async (opts: { email?: string; password?: string }, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      const email = opts.email || rt.context().email;
      if (!email) throw new CliError('an email is required: fleetctl login --email you@example.com');
      const password = opts.password ?? (await promptPassword(io, 'Password'));
      const token = await rt.withClient(async (client) => {
        const res = await client.raw('POST', '/api/v1/fleet/login', { username: email, password }, false);
        if (res.status === 404) throw new CliError('Fleet has not been setup: run fleetctl setup first');
        if (res.status === 401) throw new CliError('The credentials supplied were invalid');
        if (res.status !== 200) throw new ApiError(res.status, res.body);
        return (res.body as { token: string }).token;
      }, false);
      rt.updateContext((ctx) => {
        ctx.email = email;
        ctx.token = token;
      });
      rt.out(`[+] Fleet login successful and context configured!`);
    });

  program
    .command('logout')
    .description('Log out of Fleet and forget the session token')
    .action(async (_opts: unknown, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      await rt.withClient((client) => client.request('POST', '/api/v1/fleet/logout'));
      rt.updateContext((ctx) => {
        ctx.token = '';
      });
      rt.out('[+] Fleet logout successful and local token cleared!');
    });
}
