// Flag definitions and their translation into SimulationOptions (kept apart from
// main.ts so tests can parse argv without starting anything).
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from './duration';
import { DEFAULT_PLATFORM_MIX } from './identity';
import type { SimulationInput } from './options';

export interface CliOptions {
  simulation: SimulationInput;
  /** 0 = only the final report. */
  reportIntervalMs: number;
  json: boolean;
  /** --write-log: JSON line per distributed/write attempt (undefined = off). */
  writeLog?: string;
  /** --processes: simulator processes (1 = all agents in this process). */
  processes: number;
}

const duration = (v: string) => {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const integer = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`not a non-negative integer: ${v}`);
  return n;
};
const fraction = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`not a number within 0..1: ${v}`);
  return n;
};

/** A duration flag whose help shows the default as written ("10s"), not in ms. */
function durationOption(flags: string, description: string, defaultValue?: string): Option {
  const o = new Option(flags, description).argParser(duration);
  return defaultValue === undefined ? o : o.default(parseDuration(defaultValue), defaultValue);
}

export function buildCommand(): Command {
  return new Command('osquery-perf')
    .description('Simulate N osquery agents against a Fleet server (HTTP only)')
    .requiredOption('--enroll-secret <secret>', 'enroll secret')
    .option('--server-url <url>', 'Fleet server URL', 'https://localhost:8080')
    .option('--host-count <n>', 'number of simulated hosts', integer, 10)
    .option('--seed <n>', 'RNG seed for identities (default: now)', integer)
    .addOption(durationOption('--start-period <dur>', 'spread agent starts evenly over this period', '10s'))
    .addOption(durationOption('--config-interval <dur>', 'config refresh interval', '60s'))
    .addOption(durationOption('--query-interval <dur>', 'distributed_interval', '10s'))
    .addOption(durationOption('--log-interval <dur>', 'logger_tls_period', '10s'))
    .option('--platforms <mix>', 'platform mix, name:weight list', DEFAULT_PLATFORM_MIX)
    .option('--follow-server-options', 'apply options.distributed_interval / logger_tls_period from config', false)
    .option('--insecure', 'skip TLS certificate verification', false)
    .addOption(durationOption('--duration <dur>', 'stop after this long (default: run until Ctrl-C)'))
    .addOption(durationOption('--warmup <dur>', 'restart request counters after this long (report the steady state only)', '0s'))
    .addOption(durationOption('--report-interval <dur>', 'print stats every interval (0 = only at the end)', '10s'))
    .option('--live-query-rows <n>', 'rows returned per live query', integer, 2)
    .option('--live-query-error-rate <p>', 'fraction of live queries that fail (0..1)', fraction, 0)
    .addOption(durationOption('--status-log-interval <dur>', 'one status log line per interval per agent', '60s'))
    .option('--max-sockets <n>', 'cap on pooled keep-alive sockets (shared out among --processes)', integer, 256)
    .option('--processes <n>', 'simulator processes, each running every n-th host (1 = this process only)', integer, 1)
    .addOption(durationOption('--request-timeout <dur>', 'per-request timeout', '16s'))
    .option('--json', 'print the final report as JSON', false)
    .option('--write-log <file>', 'write one JSON line per distributed/write attempt (host, queries, sent/answered times) to file');
}

interface RawFlags {
  enrollSecret: string;
  serverUrl: string;
  hostCount: number;
  seed?: number;
  startPeriod: number;
  configInterval: number;
  queryInterval: number;
  logInterval: number;
  platforms: string;
  followServerOptions: boolean;
  insecure: boolean;
  duration?: number;
  warmup: number;
  reportInterval: number;
  liveQueryRows: number;
  liveQueryErrorRate: number;
  statusLogInterval: number;
  maxSockets: number;
  requestTimeout: number;
  json: boolean;
  writeLog?: string;
  processes: number;
}

/** Parses argv (as process.argv: node, script, …flags); throws CommanderError on bad flags. */
export function parseCli(argv: readonly string[], command: Command = buildCommand()): CliOptions {
  command.exitOverride().configureOutput({ writeErr: () => {} });
  command.parse([...argv]);
  const f = command.opts<RawFlags>();
  return {
    simulation: {
      enrollSecret: f.enrollSecret,
      serverUrl: f.serverUrl,
      hostCount: f.hostCount,
      seed: f.seed ?? Date.now(),
      startPeriodMs: f.startPeriod,
      configIntervalMs: f.configInterval,
      queryIntervalMs: f.queryInterval,
      logIntervalMs: f.logInterval,
      platforms: f.platforms,
      followServerOptions: f.followServerOptions,
      insecure: f.insecure,
      durationMs: f.duration ?? 0,
      warmupMs: f.warmup,
      liveQueryRows: f.liveQueryRows,
      liveQueryErrorRate: f.liveQueryErrorRate,
      statusLogIntervalMs: f.statusLogInterval,
      maxSockets: Math.max(1, f.maxSockets),
      requestTimeoutMs: f.requestTimeout,
    },
    reportIntervalMs: f.reportInterval,
    json: f.json,
    writeLog: f.writeLog,
    processes: Math.max(1, f.processes),
  };
}
