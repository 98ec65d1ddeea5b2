#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { dumpConfig, loadConfig, registerConfigFlags } from '../../internal/config/load-config';
import { createLogger, type Logger } from '../../internal/logging';
import { versionInfo } from '../../internal/version';
import { openDatastore } from './open-datastore';
import { startServer } from './serve';
import { notifyReady, runPrimary, workerConfig, workerIndex } from './workers';

/** Loads the config from flags + env (+ file) and a logger for it; prints deprecation warnings. */
function configure(flags: Record<string, unknown>): { config: ReturnType<typeof loadConfig>['config']; logger: Logger } {
  const { config, warnings } = loadConfig({ flags, env: process.env });
  const logger = createLogger({ json: config.logging.json, debug: config.logging.debug });
  for (const w of warnings) logger.warn(w);
  return { config, logger };
}

async function serve(flags: Record<string, unknown>): Promise<void> {
  const { config, logger } = configure(flags);
  // --workers N: this process supervises N forked workers (workers.ts), each serving below.
  const worker = workerIndex();
  if (config.server.workers > 1 && worker === undefined) {
    await runPrimary(config, logger);
    return;
  }
  const server = await startServer(worker === undefined ? config : workerConfig(config, worker), logger, {
    runJobs: worker === undefined || worker === 1,
  });
  if (worker !== undefined) notifyReady(server.url);
  const stop = async (signal: string) => {
    logger.info('shutting down', { signal });
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

async function prepareDb(flags: Record<string, unknown>): Promise<void> {
  const { config, logger } = configure(flags);
  const ds = openDatastore(config);
  try {
    const before = await ds.migrationStatus();
    await ds.prepare();
    logger.info('database prepared', { datastore: ds.kind, migrations_applied: before.pending.length });
    process.stdout.write(`Migrations completed (${before.pending.length} applied); builtin labels ready.\n`);
  } finally {
    await ds.close();
  }
}

export function buildCli(): Command {
  const program = new Command('fleet').description('An osquery fleet manager compatible with Fleet 3.x');
  program.showHelpAfterError();
  registerConfigFlags(program.command('serve').description('Run the Fleet server')).action((opts) => serve(opts));
  const prepare = program.command('prepare').description('Prepare the datastore');
  registerConfigFlags(prepare.command('db').description('Run database migrations and seed builtin data')).action(
    (opts) => prepareDb(opts),
  );
  program
    .command('version')
    .description('Print version information')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const v = versionInfo();
      process.stdout.write(opts.json ? JSON.stringify(v, null, 2) + '\n' : stringify(v));
    });
  const config = program.command('config').description('Configuration commands');
  registerConfigFlags(config.command('dump').description('Print the effective configuration as YAML')).action(
    (opts) => {
      const { config: c } = configure(opts);
      process.stdout.write(dumpConfig(c));
    },
  );
  return program;
}

/** Runs the CLI; any failure prints one line and exits non-zero. */
export function run(argv: string[]): void {
  buildCli()
    .parseAsync(argv)
    .catch((err: unknown) => {
      process.stderr.write(`fleet: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}

if (require.main === module) run(process.argv);
