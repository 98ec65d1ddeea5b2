#!/usr/bin/env node
// osquery-perf: simulates N osquery agents in one Node process (see README.md).
import { CommanderError } from 'commander';
import { buildCommand, parseCli, type CliOptions } from './cli';
import { startMultiProcess } from './multi-process';
import type { ResolvedOptions } from './options';
import { startSimulation } from './simulation';
import { formatStats, type Stats } from './stats';
import { openWriteLog, type WriteLog } from './write-log';

export { startSimulation } from './simulation';
export type { Simulation } from './simulation';
export type { DistributedWriteEvent, SimulationInput, SimulationOptions } from './options';
export type { Stats, EndpointStats } from './stats';
export { startMultiProcess } from './multi-process';

export async function run(argv: readonly string[]): Promise<number> {
  const command = buildCommand();
  let cli;
  try {
    cli = parseCli(argv, command);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help / --version
      process.stderr.write(`osquery-perf: ${err.message.replace(/^error: /, '')}\n${command.helpInformation()}`);
      return 2;
    }
    throw err;
  }
  if (cli.processes > 1 && cli.writeLog) {
    process.stderr.write('osquery-perf: --write-log needs --processes 1\n');
    return 2;
  }
  const writeLog = cli.writeLog ? openWriteLog(cli.writeLog) : undefined;
  const sim = cli.processes > 1 ? multiProcess(cli) : singleProcess(cli, writeLog);
  const o = sim.options;
  process.stderr.write(
    `osquery-perf: ${o.hostCount} agents → ${o.serverUrl} (seed ${o.seed}, start period ${o.startPeriodMs} ms, ` +
      `query ${o.queryIntervalMs} ms, config ${o.configIntervalMs} ms, log ${o.logIntervalMs} ms, ${cli.processes} process(es))\n`,
  );
  const reporter =
    cli.reportIntervalMs > 0
      ? setInterval(() => void sim.stats().then((s) => process.stderr.write(`${formatStats(s)}\n\n`), () => undefined), cli.reportIntervalMs)
      : undefined;
  const onSignal = () => void sim.stop().catch(() => undefined);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const final = await sim.finished;
    process.stdout.write(cli.json ? `${JSON.stringify(final, null, 2)}\n` : `${formatStats(final)}\n`);
  } finally {
    if (reporter) clearInterval(reporter);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await writeLog?.close();
  }
  return 0;
}

/** What main needs of either mode: one process, or a coordinator of several. */
interface Running {
  options: ResolvedOptions;
  stats(): Promise<Stats>;
  stop(): Promise<Stats>;
  finished: Promise<Stats>;
}

function singleProcess(cli: CliOptions, writeLog: WriteLog | undefined): Running {
  const sim = startSimulation(writeLog ? { ...cli.simulation, onDistributedWrite: writeLog.record } : cli.simulation);
  return { options: sim.options, stats: async () => sim.stats(), stop: sim.stop, finished: sim.finished };
}

function multiProcess(cli: CliOptions): Running {
  return startMultiProcess(cli.simulation, cli.processes);
}

if (require.main === module) {
  run(process.argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`osquery-perf: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
