// `--processes N`: forks N simulator processes, each running every N-th host (shard
// i % N), so the load generator can use more than one core and each heap stays small.
// This process only coordinates: one measurement window for all (warm-up and duration
// are kept here), and reports merged from the processes' raw counters and histograms.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { resolveOptions, type ResolvedOptions, type SimulationInput } from './options';
import type { Stats } from './stats';
import { mergeShards, type ShardReport } from './stats-merge';
import type { FromWorker, ToWorker } from './worker-protocol';

export interface MultiProcessSimulation {
  readonly options: ResolvedOptions;
  readonly pids: readonly number[];
  /** Merged counters so far. */
  stats(): Promise<Stats>;
  /** Stops every process and resolves with the merged final report. */
  stop(): Promise<Stats>;
  /** Resolves like stop() once stopped (by stop() or durationMs); rejects if a process fails. */
  readonly finished: Promise<Stats>;
}

export interface WorkerLaunch {
  /** The worker entry (default: worker.js next to this file). */
  script: string;
  /** Node flags for the workers (default: this process's, e.g. --max-old-space-size). */
  execArgv: string[];
}

interface Worker {
  child: ChildProcess;
  waiting: Map<number, (r: ShardReport) => void>;
}

/** Per-process share of the socket cap, so N processes together keep the requested cap. */
export const socketShare = (maxSockets: number, processes: number) => Math.max(1, Math.ceil(maxSockets / processes));

export function startMultiProcess(input: SimulationInput, processes: number, launch: Partial<WorkerLaunch> = {}): MultiProcessSimulation {
  if (!(Number.isInteger(processes) && processes >= 1)) throw new Error(`invalid process count: ${processes}`);
  if (input.onDistributedWrite) throw new Error('onDistributedWrite (--write-log) needs a single process');
  // Resolved here so that every process gets the same seed (the default is "now").
  const options = resolveOptions(input);
  const { platformMix: _mix, onDistributedWrite: _w, durationMs: _d, warmupMs: _wu, ...shared } = options;
  const script = launch.script ?? join(__dirname, 'worker.js');
  const execArgv = launch.execArgv ?? process.execArgv;

  let failure: ((err: Error) => void) | undefined;
  const failed = new Promise<never>((_, reject) => (failure = reject));
  failed.catch(() => undefined); // observed through `finished` / stop()
  let stopping: Promise<Stats> | undefined;
  let nextId = 1;

  const workers: Worker[] = Array.from({ length: processes }, (_, index) => {
    const child = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const w: Worker = { child, waiting: new Map() };
    child.on('message', (msg: FromWorker) => {
      if (msg.type === 'report') {
        w.waiting.get(msg.id)?.(msg.report);
        w.waiting.delete(msg.id);
      } else if (msg.type === 'error') failure?.(new Error(`simulator process ${index}: ${msg.message}`));
    });
    child.once('exit', (code, signal) => {
      if (w.waiting.size > 0 || !stopping) failure?.(new Error(`simulator process ${index} exited (${signal ?? code})`));
    });
    const start: ToWorker = {
      type: 'start',
      input: { ...shared, maxSockets: socketShare(options.maxSockets, processes), shard: { index, count: processes } },
    };
    child.send(start);
    return w;
  });

  let startedAt = Date.now();
  const ask = (type: 'report' | 'stop'): Promise<ShardReport[]> =>
    Promise.race([
      Promise.all(
        workers.map(
          (w) =>
            new Promise<ShardReport>((resolve) => {
              const id = nextId++;
              w.waiting.set(id, resolve);
              w.child.send({ type, id } satisfies ToWorker);
            }),
        ),
      ),
      failed,
    ]);
  const merged = (reports: ShardReport[]) => mergeShards(options.seed, (Date.now() - startedAt) / 1000, reports);

  let resolveFinished!: (s: Stats) => void;
  let rejectFinished!: (e: Error) => void;
  const finished = new Promise<Stats>((res, rej) => ((resolveFinished = res), (rejectFinished = rej)));
  failed.catch((err: Error) => {
    clearTimers();
    for (const w of workers) w.child.kill('SIGKILL');
    rejectFinished(err);
  });

  const stop = (): Promise<Stats> => {
    stopping ??= (async () => {
      clearTimers();
      const reports = await ask('stop');
      const final = merged(reports);
      // Workers exit by themselves after their last report; make sure of it.
      await Promise.all(workers.map((w) => exited(w.child, 5000)));
      resolveFinished(final);
      return final;
    })();
    stopping.catch((err: Error) => rejectFinished(err));
    return stopping;
  };

  const durationTimer = options.durationMs > 0 ? setTimeout(() => void stop().catch(() => undefined), options.durationMs) : undefined;
  const warmupTimer =
    options.warmupMs > 0
      ? setTimeout(() => {
          startedAt = Date.now();
          for (const w of workers) w.child.send({ type: 'reset' } satisfies ToWorker);
        }, options.warmupMs)
      : undefined;
  function clearTimers() {
    if (durationTimer) clearTimeout(durationTimer);
    if (warmupTimer) clearTimeout(warmupTimer);
  }

  return {
    options,
    pids: workers.map((w) => w.child.pid!),
    stats: async () => merged(await ask('report')),
    stop,
    finished,
  };
}

async function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await gone;
  }
}
