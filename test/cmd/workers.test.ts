import { EventEmitter } from 'node:events';
import { defaultConfig } from '../../internal/config/config';
import { ConfigError, loadConfig } from '../../internal/config/load-config';
import {
  runPrimary,
  WORKER_INDEX_ENV,
  WORKER_READY_MESSAGE,
  WorkerSupervisor,
  workerConfig,
  type SupervisorOptions,
  type WorkerHandle,
} from '../../cmd/fleet/workers';
import { silentLogger } from '../support/silent-logger';

let nextPid = 1000;

class FakeWorker extends EventEmitter implements WorkerHandle {
  readonly pid = nextPid++;
  readonly signals: string[] = [];
  alive = true;
  /** Exit by itself on SIGTERM/SIGINT (a graceful stop), as the real server does. */
  stopsOnSignal = true;
  constructor(readonly env: Record<string, string>) {
    super();
  }
  get index(): number {
    return Number(this.env[WORKER_INDEX_ENV]);
  }
  onMessage(l: (m: unknown) => void): void {
    this.on('message', l);
  }
  onExit(l: (code: number | null, signal: string | null) => void): void {
    this.on('exit', l);
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || this.stopsOnSignal) queueMicrotask(() => this.exit(signal === 'SIGKILL' ? null : 0, signal === 'SIGKILL' ? 'SIGKILL' : null));
  }
  ready(): void {
    this.emit('message', { type: WORKER_READY_MESSAGE, url: 'http://localhost:8080' });
  }
  exit(code: number | null, signal: string | null = null): void {
    if (!this.alive) return;
    this.alive = false;
    this.emit('exit', code, signal);
  }
}

/** Timers run by hand; `now` moves with them. */
class FakeTimers {
  now = 0;
  private seq = 0;
  readonly pending = new Map<number, { at: number; ms: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, ms, fn });
    return id;
  };
  clearTimeout = (h: unknown): void => void this.pending.delete(h as number);
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  /** Runs every timer due within `ms`. */
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending]) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
}

const flush = () => new Promise((r) => setImmediate(r));

function setup(workers: number, extra: Partial<SupervisorOptions> = {}) {
  const forked: FakeWorker[] = [];
  const timers = new FakeTimers();
  const supervisor = new WorkerSupervisor({
    workers,
    logger: silentLogger,
    fork: (env) => {
      const w = new FakeWorker(env);
      forked.push(w);
      return w;
    },
    restartInitialMs: 1000,
    restartMaxMs: 8000,
    stableMs: 60_000,
    stopTimeoutMs: 30_000,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    now: () => timers.now,
    ...extra,
  });
  const live = () => forked.filter((w) => w.alive);
  return { forked, timers, supervisor, live };
}

describe('WorkerSupervisor (fleet serve --workers N)', () => {
  it('forks one worker per slot and is started once every worker serves', async () => {
    const { forked, supervisor } = setup(3);
    let started = false;
    const start = supervisor.start().then(() => (started = true));
    expect(forked.map((w) => w.index)).toEqual([1, 2, 3]);
    forked[0]!.ready();
    forked[2]!.ready();
    await flush();
    expect(started).toBe(false);
    forked[1]!.ready();
    await start;
    expect(supervisor.pids()).toEqual(forked.map((w) => w.pid));
  });

  it('restarts a crashed worker in its slot, backing off while it keeps crashing', async () => {
    const { forked, timers, supervisor, live } = setup(2);
    const start = supervisor.start();
    forked.forEach((w) => w.ready());
    await start;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const slot2 = live().find((w) => w.index === 2)!;
      slot2.exit(1);
      delays.push(...timers.delays());
      timers.advance(timers.delays()[0]!);
      const again = live().find((w) => w.index === 2)!;
      expect(again).not.toBe(slot2);
      again.ready();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(live().map((w) => w.index).sort()).toEqual([1, 2]);
    // A worker that served long enough before dying starts the backoff over.
    timers.advance(60_000);
    live().find((w) => w.index === 2)!.exit(null, 'SIGSEGV');
    expect(timers.delays()).toEqual([1000]);
  });

  it('keeps backing off (not giving up) while a restarted worker cannot start', async () => {
    const { forked, timers, supervisor, live } = setup(1);
    const start = supervisor.start();
    forked[0]!.ready();
    await start;
    forked[0]!.exit(1);
    for (let i = 0; i < 3; i++) {
      timers.advance(timers.delays()[0]!);
      live()[0]!.exit(1); // dies before serving (e.g. Redis still down)
    }
    expect(timers.delays()).toEqual([8000]);
    expect(forked).toHaveLength(4);
  });

  it('forwards the stop signal to every worker, waits for them, and restarts nothing', async () => {
    const { forked, timers, supervisor, live } = setup(3);
    const start = supervisor.start();
    forked.forEach((w) => w.ready());
    await start;
    forked[0]!.exit(1); // a restart is pending when the stop comes
    expect(timers.pending.size).toBe(1);
    await supervisor.stop('SIGINT');
    expect(forked.map((w) => w.signals)).toEqual([[], ['SIGINT'], ['SIGINT']]);
    expect(live()).toEqual([]);
    expect(timers.pending.size).toBe(0);
    expect(forked).toHaveLength(3);
  });

  it('kills a worker that does not stop within the grace period', async () => {
    const { forked, timers, supervisor, live } = setup(2);
    const start = supervisor.start();
    forked.forEach((w) => w.ready());
    await start;
    forked[1]!.stopsOnSignal = false;
    let stopped = false;
    const stop = supervisor.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    expect(live()).toEqual([forked[1]]);
    timers.advance(30_000);
    await stop;
    expect(forked[1]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('treats a worker dying before it first served as a startup failure: stops the others and rejects', async () => {
    const { forked, supervisor, live, timers } = setup(3);
    const start = supervisor.start();
    forked[0]!.ready();
    forked[1]!.exit(1);
    await expect(start).rejects.toThrow(/worker 2 exited before it started serving \(code 1\)/);
    expect(live()).toEqual([]);
    expect(forked).toHaveLength(3);
    expect(timers.pending.size).toBe(0);
  });
});

describe('runPrimary', () => {
  const config = () => {
    const c = defaultConfig();
    c.server.workers = 2;
    return c;
  };

  it('checks once before forking, then supervises', async () => {
    const order: string[] = [];
    const forked: FakeWorker[] = [];
    const running = runPrimary(config(), silentLogger, {
      check: async () => void order.push('check'),
      fork: (env) => {
        order.push(`fork ${env[WORKER_INDEX_ENV]}`);
        const w = new FakeWorker(env);
        forked.push(w);
        queueMicrotask(() => w.ready());
        return w;
      },
      exit: () => undefined,
    });
    const supervisor = await running;
    expect(order).toEqual(['check', 'fork 1', 'fork 2']);
    await supervisor.stop();
    expect(forked.every((w) => !w.alive)).toBe(true);
  });

  it('forks nothing when the check fails', async () => {
    const fork = jest.fn();
    await expect(
      runPrimary(config(), silentLogger, {
        check: async () => {
          throw new Error('the database schema is behind');
        },
        fork,
      }),
    ).rejects.toThrow('schema is behind');
    expect(fork).not.toHaveBeenCalled();
  });

  afterEach(() => {
    // runPrimary registers SIGINT/SIGTERM handlers for the process; tests must not leave them.
    for (const s of ['SIGINT', 'SIGTERM'] as const) {
      for (const l of process.listeners(s)) if (l.name === 'onSignal') process.off(s, l);
    }
  });
});

describe('server.workers setting', () => {
  const PG = 'postgresql://u@db/fleet';
  const REDIS = 'redis://127.0.0.1:6379';

  it('defaults to 1 and is set by --workers, --server-workers, FLEET_SERVER_WORKERS', () => {
    expect(loadConfig({}).config.server.workers).toBe(1);
    const env = { FLEET_POSTGRES_URL: PG, FLEET_REDIS_URL: REDIS };
    expect(loadConfig({ env, flags: { workers: '3' } }).config.server.workers).toBe(3);
    expect(loadConfig({ env, flags: { serverWorkers: '2' } }).config.server.workers).toBe(2);
    expect(loadConfig({ env: { ...env, FLEET_SERVER_WORKERS: '4' } }).config.server.workers).toBe(4);
  });

  it('refuses several workers without Postgres, naming what to set', () => {
    expect(() => loadConfig({ env: { FLEET_REDIS_URL: REDIS }, flags: { workers: '2' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { FLEET_REDIS_URL: REDIS }, flags: { workers: '2' } })).toThrow(
      /server\.workers is 2 \(from flag --workers\) but datastore is embedded .*embedded store serves one process.*--postgres-url/,
    );
    expect(() => loadConfig({ env: { FLEET_REDIS_URL: REDIS, FLEET_DATASTORE: 'inmem' }, flags: { workers: '2' } })).toThrow(
      /datastore is inmem .*in-memory store would give each worker its own data/,
    );
  });

  it('refuses several workers without Redis', () => {
    expect(() => loadConfig({ env: { FLEET_POSTGRES_URL: PG, FLEET_SERVER_WORKERS: '2' } })).toThrow(
      /server\.workers is 2 \(from environment variable FLEET_SERVER_WORKERS\) but redis\.url is not set.*--redis-url/,
    );
  });

  it('rejects 0 workers', () => {
    expect(() => loadConfig({ flags: { workers: '0' } })).toThrow(ConfigError);
  });

  it('lets only worker 1 print the banner', () => {
    const c = defaultConfig();
    expect(workerConfig(c, 1).logging.disable_banner).toBe(false);
    expect(workerConfig(c, 2).logging.disable_banner).toBe(true);
    expect(c.logging.disable_banner).toBe(false);
  });
});
