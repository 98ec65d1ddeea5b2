// Redis for tests, like services.ts does for Postgres: tests that need a Redis server are
// skipped with a notice when none answers, unless FLEET_TEST_REQUIRE_SERVICES=1 (CI), where
// a missing server fails the run. Each test run works under its own key prefix and deletes
// its keys afterwards, so runs (and a developer's data) on one Redis do not collide.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { requireServices } from './services';

export const TEST_REDIS_URL = process.env.FLEET_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
export const REDIS_AVAILABLE_ENV = 'FLEET_TEST_REDIS_AVAILABLE';
const PROBE_TIMEOUT_MS = 2000;

function describeRedis(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '6379'}`;
}

/** Synchronous probe (describe blocks cannot await): PING in a child process, cached. */
export function redisAvailableSync(): boolean {
  const known = process.env[REDIS_AVAILABLE_ENV];
  if (known === '1' || known === '0') return known === '1';
  const probe = `
    const { Redis } = require('ioredis');
    const r = new Redis(process.env.URL, { lazyConnect: true, connectTimeout: ${PROBE_TIMEOUT_MS}, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    r.connect().then(() => r.ping()).then(() => { r.disconnect(); process.exit(0); }, () => process.exit(1));`;
  let ok: boolean;
  try {
    execFileSync(process.execPath, ['-e', probe], {
      env: { ...process.env, URL: TEST_REDIS_URL },
      stdio: 'ignore',
      cwd: __dirname,
      timeout: PROBE_TIMEOUT_MS * 3,
    });
    ok = true;
  } catch {
    ok = false;
  }
  process.env[REDIS_AVAILABLE_ENV] = ok ? '1' : '0';
  return ok;
}

/** `describe` when Redis answers; otherwise a notice and a skip, or a failure under FLEET_TEST_REQUIRE_SERVICES=1. */
export function describeIfRedis(name: string, fn: () => void): void {
  if (redisAvailableSync()) {
    describe(name, fn);
    return;
  }
  const why = `Redis is not reachable at ${describeRedis(TEST_REDIS_URL)} (set FLEET_TEST_REDIS_URL)`;
  if (requireServices()) {
    describe(name, () => {
      test('needs Redis', () => {
        throw new Error(`${why}; FLEET_TEST_REQUIRE_SERVICES=1 makes this a failure`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${why}`);
  describe.skip(name, fn);
}

/** A key prefix no other test run uses. */
export function testKeyPrefix(): string {
  return `fleet_test_${randomBytes(5).toString('hex')}:`;
}

/** A plain client on the test server (inspect keys, kill connections); close it with `quit()`. */
export function testRedisClient(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
}

/** Deletes every key under the prefix; returns how many there were. */
export async function deleteKeys(prefix: string): Promise<number> {
  const r = testRedisClient();
  try {
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) n += await r.del(...keys);
    } while (cursor !== '0');
    return n;
  } finally {
    await r.quit();
  }
}

/** Polls until `fn` stops throwing (cross-connection delivery is asynchronous). */
export async function eventually(fn: () => void | Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fn();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  restart(): Promise<void>;
}

/** The redis-server binary, if installed (a private server lets a test stop Redis). */
export function redisServerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A throwaway redis-server on a free port, no persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const { spawn } = await import('node:child_process');
  const { createServer } = await import('node:net');
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed');
  const port = await new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  let child: ReturnType<typeof spawn> | null = null;
  const start = async () => {
    child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually(async () => {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 50 });
      r.on('error', () => undefined);
      try {
        await r.connect();
        await r.ping();
      } finally {
        r.disconnect();
      }
    }, 5000);
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url, port, stop, restart: start };
}
