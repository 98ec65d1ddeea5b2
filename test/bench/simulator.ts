import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './fleet-server';

const PERF = join(ROOT, 'dist/cmd/osquery-perf/main.js');

export interface SimReport {
  elapsedSeconds: number;
  agents: { total: number; started: number; enrolled: number };
  endpoints: Record<string, { requests: number; errors: number; nodeInvalid: number; rate: number; latencyMs: { p50: number; p95: number; p99: number; max: number } }>;
  /** The simulator's own cost over the same window (all its processes with --processes). */
  process?: { processes: number; cpuSeconds: number; cores: number; eventLoopDelayMs: { p50: number; p99: number; max: number }; rssMB: number; heapUsedMB: number };
}

export interface RunningSimulator {
  pid: number;
  /** Stops the agents (SIGTERM, as Ctrl-C) and resolves with the final report. */
  stop(): Promise<SimReport>;
  /** Resolves with the report when the simulator exits by itself (--duration). */
  readonly report: Promise<SimReport>;
}

/** Starts `osquery-perf` in its own process (so it does not share an event loop with the bench). */
export function startSimulator(args: Record<string, string | number>): RunningSimulator {
  const argv = [PERF, '--json', '--report-interval', '0'];
  for (const [k, v] of Object.entries(args)) argv.push(`--${k}`, String(v));
  const child = spawn(process.execPath, ['--max-old-space-size=4096', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const report = new Promise<SimReport>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`osquery-perf exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out) as SimReport);
      } catch {
        reject(new Error(`unparseable report: ${out.slice(0, 500)} ${err.slice(-1000)}`));
      }
    });
  });
  return {
    pid: child.pid!,
    report,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return report;
    },
  };
}

/** Runs `osquery-perf` to completion (give it --duration) and returns its JSON report. */
export function runSimulator(args: Record<string, string | number>): Promise<SimReport> {
  return startSimulator(args).report;
}
