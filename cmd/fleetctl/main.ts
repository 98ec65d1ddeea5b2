#!/usr/bin/env node
// fleetctl: the command-line client of the Fleet 3.x admin API (spec rest-api.md §16).
import { Command, CommanderError, Option } from 'commander';
import { versionInfo } from '../../internal/version';
import { registerApply } from './commands/apply';
import { registerConfig } from './commands/config';
import { registerConvert } from './commands/convert';
import { registerDelete } from './commands/delete';
import { registerGet } from './commands/get';
import { registerQuery } from './commands/query';
import { registerSession } from './commands/session';
import { registerUser } from './commands/user';
import { CliError } from './errors';
import type { Io } from './runtime';

export function buildProgram(io: Io): Command {
  const program = new Command('fleetctl')
    .description('CLI for operating Fleet')
    .version(versionInfo().version, '-v, --version')
    .addOption(new Option('--config <path>', 'path to the fleetctl config file (default ~/.fleet/config)').env('CONFIG'))
    .addOption(new Option('--context <name>', 'context to use from the config file').env('CONTEXT').default('default'))
    .addOption(new Option('--debug', 'print each request and response (without secrets)').env('DEBUG'))
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerConfig(program, io);
  registerSession(program, io);
  registerGet(program, io);
  registerApply(program, io);
  registerDelete(program, io);
  registerQuery(program, io);
  registerConvert(program, io);
  registerUser(program, io);
  // Subcommands inherit the error/output handling so every failure reaches run() below.
  for (const cmd of allCommands(program)) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  }
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs one invocation; resolves to the process exit code (0 success, 1 error, 2 usage). */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with exit code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`Error: ${message.split('\n')[0]}\n`);
    if ((argv.includes('--debug') || io.env.DEBUG) && err instanceof Error && !(err instanceof CliError) && err.stack) io.stderr.write(`${err.stack}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

export function processIo(): Io {
  // `fleetctl query … | head -1`: a closed pipe ends the command quietly, as for Unix tools.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stderrIsTerminal: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

if (require.main === module) {
  run(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`Error: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
