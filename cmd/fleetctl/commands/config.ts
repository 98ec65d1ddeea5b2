// `fleetctl config set|get`: edits the selected context of the config file; no server calls.
import type { Command } from 'commander';
import { CONTEXT_KEYS, isContextKey, type Context } from '../context-config';
import { CliError } from '../errors';
import { Runtime, type Io } from '../runtime';

export function registerConfig(program: Command, io: Io): void {
  const config = program.command('config').description('Modify fleetctl configuration');

  config
    .command('set')
    .description('Set config options of the selected context')
    .option('--address <url>', 'address of the Fleet server (https://host:port)')
    .option('--email <email>', 'email of the user to log in as')
    .option('--token <token>', 'session token')
    .option('--tls-skip-verify [bool]', 'skip verifying the server certificate (insecure)')
    .option('--rootca <path>', 'PEM file of the CA that signed the server certificate')
    .option('--url-prefix <prefix>', 'path prefix the server is mounted under')
    .action((opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      const changes: Array<[keyof Context, string | boolean]> = [];
      if (opts.address !== undefined) changes.push(['address', String(opts.address)]);
      if (opts.email !== undefined) changes.push(['email', String(opts.email)]);
      if (opts.token !== undefined) changes.push(['token', String(opts.token)]);
      if (opts.tlsSkipVerify !== undefined) changes.push(['tls-skip-verify', parseBool(opts.tlsSkipVerify)]);
      if (opts.rootca !== undefined) changes.push(['rootca', String(opts.rootca)]);
      if (opts.urlPrefix !== undefined) changes.push(['url-prefix', String(opts.urlPrefix)]);
      if (changes.length === 0) throw new CliError(`no option given: set one of ${CONTEXT_KEYS.map((k) => `--${k}`).join(', ')}`);
      rt.updateContext((ctx) => {
        for (const [key, value] of changes) (ctx as Record<string, unknown>)[key] = value;
      });
      for (const [key, value] of changes) {
        // The token is a credential: confirm it was stored without echoing it.
        const shown = key === 'token' ? '***' : String(value);
        rt.out(`[+] Set the ${key} config key to "${shown}" in the "${rt.globals.context}" context`);
      }
    });

  config
    .command('get')
    .description('Get a config option of the selected context')
    .argument('<key>', `one of ${CONTEXT_KEYS.join(', ')}`)
    .action((key: string, _opts: unknown, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      if (!isContextKey(key)) throw new CliError(`"${key}" is an invalid key: use one of ${CONTEXT_KEYS.join(', ')}`);
      const value = rt.context()[key];
      rt.out(`  ${rt.globals.context}.${key} => ${value ?? (key === 'tls-skip-verify' ? 'false' : '')}`);
    });
}

function parseBool(value: string | boolean): boolean {
  if (value === true || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new CliError(`error parsing "${value}" as bool`);
}
