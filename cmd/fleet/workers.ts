/**
 * `fleet serve --workers N`: N server processes on one host sharing the listen port
 * (node:cluster; the primary accepts connections and hands them to the workers in turn).
 *
 * The primary serves nothing itself. It checks once that the database schema is current
 * and Redis answers (so a misconfiguration fails once, not N times), forks the workers,
 * restarts a worker that dies (backing off while it keeps dying), and on SIGTERM/SIGINT
 * forwards the signal and waits for every worker's graceful stop.
 *
 * Each worker runs the normal server (startServer) and shares state with the others the
 * way separate instances do: Postgres for data, Redis for live queries, results and cache
 * invalidations. Hence N > 1 requires datastore postgres and redis.url (validate-config).
 *
 * Background jobs: only worker 1 runs the periodic jobs (host cleanup). They are
 * idempotent, so running them in every worker would be correct, but it would multiply the
 * hourly database work by N for nothing. A restarted worker 1 keeps its index and runs
 * them again; separate hosts (separate `fleet serve`s) each run their own, as Fleet's
 * instances do. Per-request machinery (the seen-time flush, caches) stays per worker.
 */
import cluster from 'node:cluster';
import type { FleetConfig } from '../../internal/config/config';
import type { Logger } from '../../internal/logging';
import { RedisConnections } from '../../internal/redis';
import { openDatastore, readyDatastore } from './open-datastore';

/** The environment variable that tells a forked worker its slot (1..N). */
export const WORKER_INDEX_ENV = 'FLEET_WORKER_INDEX';
/** Sent by a worker (process.send) once its server listens. */
export const WORKER_READY_MESSAGE = 'fleet:worker-ready';

/** What the supervisor needs of a forked process (cluster's Worker, or a fake in tests). */
export interface WorkerHandle {
  readonly pid: number | undefined;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal: NodeJS.Signals): void;
}

export type ForkWorker = (env: Record<string, string>) => WorkerHandle;

export interface SupervisorOptions {
  workers: number;
  fork: ForkWorker;
  logger: Logger;
  /** First restart delay after a crash, ms; doubles per consecutive crash. */
  restartInitialMs?: number;
  restartMaxMs?: number;
  /** A worker that served this long before dying resets the backoff, ms. */
  stableMs?: number;
  /** Grace period for workers to stop after the signal, then SIGKILL, ms. */
  stopTimeoutMs?: number;
  /** Timer and clock seams for tests. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
}

interface Slot {
  index: number;
  worker: WorkerHandle | null;
  readySince: number | null;
  everReady: boolean;
  crashes: number;
  restartTimer: unknown;
}

export class WorkerSupervisor {
  private readonly slots: Slot[];
  private stopping: Promise<void> | null = null;
  private startup: { resolve(): void; reject(err: Error): void } | null = null;
  private readonly o: Required<Omit<SupervisorOptions, 'fork' | 'logger' | 'workers'>>;
  private exitWaiters = new Set<() => void>();

  constructor(private readonly opts: SupervisorOptions) {
    this.o = {
      restartInitialMs: opts.restartInitialMs ?? 1000,
      restartMaxMs: opts.restartMaxMs ?? 30_000,
      stableMs: opts.stableMs ?? 60_000,
      stopTimeoutMs: opts.stopTimeoutMs ?? 30_000,
      setTimeout: opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimeout: opts.clearTimeout ?? ((h) => clearTimeout(h as NodeJS.Timeout)),
      now: opts.now ?? Date.now,
    };
    this.slots = Array.from({ length: opts.workers }, (_, i) => ({
      index: i + 1,
      worker: null,
      readySince: null,
      everReady: false,
      crashes: 0,
      restartTimer: null,
    }));
  }

  /**
   * Forks every worker; resolves when all are serving. A worker that dies before it first
   * served is a startup failure (bad config, unreachable service): the others are stopped
   * and this rejects, instead of restarting forever.
   */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.startup = { resolve, reject };
      for (const slot of this.slots) this.fork(slot);
    });
  }

  /** Forwards `signal` to every worker and resolves once all exited (SIGKILL after the timeout). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping ??= this.stopAll(signal);
    return this.stopping;
  }

  /** Pids of the running workers by slot (tests, logs). */
  pids(): Array<number | undefined> {
    return this.slots.map((s) => s.worker?.pid);
  }

  private fork(slot: Slot): void {
    slot.restartTimer = null;
    const worker = this.opts.fork({ [WORKER_INDEX_ENV]: String(slot.index) });
    slot.worker = worker;
    slot.readySince = null;
    worker.onMessage((m) => {
      if (isReadyMessage(m) && slot.worker === worker) this.onReady(slot);
    });
    worker.onExit((code, signal) => {
      if (slot.worker === worker) this.onExit(slot, code, signal);
    });
  }

  private onReady(slot: Slot): void {
    slot.readySince = this.o.now();
    slot.everReady = true;
    this.opts.logger.debug('fleet worker ready', { worker: slot.index, pid: slot.worker?.pid });
    if (this.startup && this.slots.every((s) => s.everReady)) {
      this.startup.resolve();
      this.startup = null;
    }
  }

  private onExit(slot: Slot, code: number | null, signal: string | null): void {
    const pid = slot.worker?.pid;
    const servedMs = slot.readySince === null ? 0 : this.o.now() - slot.readySince;
    slot.worker = null;
    slot.readySince = null;
    for (const w of [...this.exitWaiters]) w();
    if (this.stopping) return;
    if (!slot.everReady) {
      const err = new Error(
        `worker ${slot.index} exited before it started serving (${describeExit(code, signal)}); see its error above`,
      );
      if (this.startup) {
        const startup = this.startup;
        this.startup = null;
        void this.stop('SIGTERM').then(() => startup.reject(err));
        return;
      }
      // A restarted worker that cannot start (e.g. Redis still down): keep backing off.
    }
    if (servedMs >= this.o.stableMs) slot.crashes = 0;
    slot.crashes++;
    const delay = Math.min(this.o.restartInitialMs * 2 ** (slot.crashes - 1), this.o.restartMaxMs);
    this.opts.logger.error('fleet worker exited; restarting', {
      worker: slot.index,
      pid,
      exit: describeExit(code, signal),
      restart_in_ms: delay,
    });
    slot.restartTimer = this.o.setTimeout(() => {
      if (!this.stopping) this.fork(slot);
    }, delay);
  }

  private async stopAll(signal: NodeJS.Signals): Promise<void> {
    for (const slot of this.slots) {
      if (slot.restartTimer !== null) this.o.clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
    }
    const live = () => this.slots.filter((s) => s.worker !== null);
    for (const s of live()) s.worker!.kill(signal);
    if (live().length === 0) return;
    await new Promise<void>((resolve) => {
      const killer = this.o.setTimeout(() => {
        for (const s of live()) {
          this.opts.logger.warn('fleet worker did not stop in time; killing it', { worker: s.index, pid: s.worker!.pid });
          s.worker!.kill('SIGKILL');
        }
      }, this.o.stopTimeoutMs);
      const check = () => {
        if (live().length > 0) return;
        this.exitWaiters.delete(check);
        this.o.clearTimeout(killer);
        resolve();
      };
      this.exitWaiters.add(check);
    });
  }
}

function isReadyMessage(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === WORKER_READY_MESSAGE;
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}

/** This process's worker slot (1..N) when it is a `--workers` worker, else undefined. */
export function workerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const n = Number(process.env[WORKER_INDEX_ENV]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A worker's view of the config: only worker 1 prints the banner. */
export function workerConfig(config: FleetConfig, index: number): FleetConfig {
  if (index === 1) return config;
  return { ...config, logging: { ...config.logging, disable_banner: true } };
}

/** Tells the primary this worker serves. */
export function notifyReady(url: string): void {
  process.send?.({ type: WORKER_READY_MESSAGE, url });
}

/** Once, before forking: the schema is current and Redis answers. */
export async function prepareCheck(config: FleetConfig, logger: Logger): Promise<void> {
  const ds = openDatastore(config);
  try {
    await readyDatastore(ds);
  } finally {
    await ds.close().catch(() => undefined);
  }
  const redis = await RedisConnections.open({ url: config.redis.url, keyPrefix: config.redis.key_prefix, logger });
  try {
    await redis.healthCheck();
  } finally {
    await redis.close();
  }
}

function clusterFork(env: Record<string, string>): WorkerHandle {
  const w = cluster.fork(env);
  return {
    pid: w.process.pid,
    onMessage: (l) => void w.on('message', l),
    onExit: (l) => void w.on('exit', l),
    kill: (signal) => void w.process.kill(signal),
  };
}

/**
 * The primary of `fleet serve --workers N`: checks, forks, supervises, stops on
 * SIGTERM/SIGINT. Resolves once every worker serves; rejects on a startup failure.
 */
export async function runPrimary(
  config: FleetConfig,
  logger: Logger,
  deps: { fork?: ForkWorker; check?: () => Promise<void>; exit?: (code: number) => void } = {},
): Promise<WorkerSupervisor> {
  await (deps.check ?? (() => prepareCheck(config, logger)))();
  const supervisor = new WorkerSupervisor({ workers: config.server.workers, fork: deps.fork ?? clusterFork, logger });
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info('shutting down workers', { signal });
    void supervisor.stop(signal).then(() => exit(0));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await supervisor.start();
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw err;
  }
  logger.info('fleet workers ready', { workers: config.server.workers, pids: supervisor.pids() });
  return supervisor;
}
