#!/usr/bin/env node
// osquery-perf: simulates N osquery agents in one Node process (see README.md).
import { CommanderError } from 'commander';
import { buildCommand, parseCli } from './cli';
import { startSimulation } from './simulation';
import { formatStats } from './stats';
import { openWriteLog } from './write-log';

export { startSimulation } from './simulation';
export type { Simulation } from './simulation';
export type { DistributedWriteEvent, SimulationInput, SimulationOptions } from './options';
export type { Stats, EndpointStats } from './stats';

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
  const writeLog = cli.writeLog ? openWriteLog(cli.writeLog) : undefined;
  const sim = startSimulation(writeLog ? { ...cli.simulation, onDistributedWrite: writeLog.record } : cli.simulation);
  const o = sim.options;
  process.stderr.write(
    `osquery-perf: ${o.hostCount} agents → ${o.serverUrl} (seed ${o.seed}, start period ${o.startPeriodMs} ms, ` +
      `query ${o.queryIntervalMs} ms, config ${o.configIntervalMs} ms, log ${o.logIntervalMs} ms)\n`,
  );
  const reporter = cli.reportIntervalMs > 0 ? setInterval(() => process.stderr.write(`${formatStats(sim.stats())}\n\n`), cli.reportIntervalMs) : undefined;
  const onSignal = () => void sim.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const final = await sim.finished;
  if (reporter) clearInterval(reporter);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await writeLog?.close();
  process.stdout.write(cli.json ? `${JSON.stringify(final, null, 2)}\n` : `${formatStats(final)}\n`);
  return 0;
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
