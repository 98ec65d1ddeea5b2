// `fleetctl user create`: an admin creates a user directly (no invite).
import type { Command } from 'commander';
import { CliError } from '../errors';
import { promptNewPassword } from '../prompt';
import { Runtime, type Io } from '../runtime';

interface CreateOptions {
  username: string;
  email: string;
  password?: string;
  admin?: boolean;
  sso?: boolean;
}

export function registerUser(program: Command, io: Io): void {
  const user = program.command('user').description('Manage Fleet users');
  user
    .command('create')
    .description('Create a user (admins only); the user must change the password at first login')
    .requiredOption('--username <name>', 'username of the new user')
    .requiredOption('--email <email>', 'email of the new user')
    .option('--password <password>', 'initial password (prompted for when absent, unless --sso)')
    .option('--admin', 'make the user an admin', false)
    .option('--sso', 'the user logs in with SSO (no password)', false)
    .action(async (opts: CreateOptions, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      if (opts.sso && opts.password !== undefined) throw new CliError('Password may not be provided for SSO users');
      const password = opts.sso ? undefined : (opts.password ?? (await promptNewPassword(io)));
      await rt.withClient((client) =>
        client.request('POST', '/api/v1/fleet/users/admin', {
          username: opts.username,
          email: opts.email,
          password,
          admin: Boolean(opts.admin),
          sso_enabled: Boolean(opts.sso),
          // A password chosen by someone else is temporary (Fleet 3.3 behaviour).
          admin_forced_password_reset: !opts.sso,
        }),
      );
      rt.out(`[+] Created user ${opts.username} <${opts.email}>`);
    });
}
