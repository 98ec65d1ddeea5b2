// Helpers for end-to-end tests: a real `fleet serve` on a loopback port, an admin REST
// client, and polling that retries an assertion until it holds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatastore } from '../../cmd/fleet/open-datastore';
import { startSimulation, type Simulation } from '../../cmd/osquery-perf/simulation';
import { startServer, type Server } from '../../cmd/fleet/serve';
import { defaultConfig, type FleetConfig } from '../../internal/config/config';
import { createTestDatabase, type TestDatabase } from '../support/services';
import { silentLogger } from '../support/silent-logger';
import { PASSWORD } from '../support/test-app';

/**
 * Runs `check` until it stops throwing (its value is returned) or `timeoutMs` passes, in
 * which case the last failure is rethrown, so a timeout reads like the assertion that
 * never came true.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) {
        if (err instanceof Error) err.message = `still failing after ${timeoutMs} ms: ${err.message}`;
        throw err;
      }
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export type Store = 'inmem' | 'postgres';

export interface RunningFleet {
  server: Server;
  config: FleetConfig;
  /** Where the filesystem log writers put osquery's status and result lines. */
  statusLogFile: string;
  resultLogFile: string;
  api: AdminClient;
  close(): Promise<void>;
}

/**
 * `fleet serve` on 127.0.0.1:0 with a cheap bcrypt cost, no banner and file log writers in
 * a temp dir. On Postgres: a fresh database, prepared as `fleet prepare db` does.
 * First-time setup is done (unless `opts.setup` is false), so `api` is logged in as the admin.
 */
export async function startFleet(
  store: Store,
  edit: (c: FleetConfig) => void = () => undefined,
  opts: { setup?: boolean } = {},
): Promise<RunningFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-e2e-'));
  const config = defaultConfig();
  config.server.address = '127.0.0.1:0';
  config.auth.bcrypt_cost = 4;
  config.logging.disable_banner = true;
  config.filesystem.status_log_file = join(dir, 'osquery_status');
  config.filesystem.result_log_file = join(dir, 'osquery_result');
  let db: TestDatabase | undefined;
  if (store === 'postgres') {
    db = await createTestDatabase();
    config.datastore = 'postgres';
    config.postgres.url = db.url;
  } else {
    config.datastore = 'inmem';
  }
  edit(config);

  const cleanup = async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  let server: Server;
  try {
    if (db) {
      const ds = openDatastore(config);
      try {
        await ds.prepare();
      } finally {
        await ds.close();
      }
    }
    server = await startServer(config, silentLogger);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const api = new AdminClient(server.url);
  try {
    if (opts.setup !== false) await api.setup();
  } catch (err) {
    await server.close();
    await cleanup();
    throw err;
  }
  return {
    server,
    config,
    statusLogFile: config.filesystem.status_log_file,
    resultLogFile: config.filesystem.result_log_file,
    api,
    async close() {
      try {
        await server.close();
      } finally {
        await cleanup();
      }
    },
  };
}

export interface ApiResponse {
  status: number;
  body: any;
}

/** The admin REST API (`/api/v1/fleet/...`) as the first admin user. */
export class AdminClient {
  private token = '';

  constructor(readonly baseUrl: string) {}

  /** The admin's session token (to hand to another client, such as fleetctl). */
  get sessionToken(): string {
    return this.token;
  }

  async setup(): Promise<void> {
    const res = await this.raw('POST', '/api/v1/setup', {
      admin: { username: 'admin', email: 'admin@example.com', password: PASSWORD, admin: true },
      org_info: { org_name: 'Acme' },
      kolide_server_url: 'https://fleet.example.com',
    });
    if (res.status !== 200) throw new Error(`setup failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.token;
  }

  /** A request under /api/v1/fleet; any status is returned, not thrown. */
  request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    return this.raw(method, `/api/v1/fleet${path}`, body);
  }

  /** GET that must answer 200; returns the body. */
  async get(path: string): Promise<any> {
    const res = await this.request('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  private async raw(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }
}

/** The lines of a log file ([] when the writer has not created it). */
export function logLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').filter((l) => l !== '');
}

/**
 * Simulated osquery agents (cmd/osquery-perf) that check in every 300 ms, so live queries
 * are answered within a second; `extra` overrides any simulation option.
 */
export function simulateAgents(
  serverUrl: string,
  secret: string,
  hostCount: number,
  seed: number,
  extra: { liveQueryErrorRate?: number } = {},
): Simulation {
  return startSimulation({
    serverUrl,
    enrollSecret: secret,
    hostCount,
    seed,
    startPeriodMs: 300,
    queryIntervalMs: 300,
    logIntervalMs: 1000,
    configIntervalMs: 1000,
    statusLogIntervalMs: 1000,
    enrollBackoffInitialMs: 200,
    enrollBackoffMaxMs: 1000,
    requestTimeoutMs: 5000,
    ...extra,
  });
}

/** Another `fleet serve` sharing `a`'s Postgres and Redis (a second instance), without background jobs. */
export function startSecondInstance(a: RunningFleet): Promise<Server> {
  return startServer({ ...structuredClone(a.config), server: { ...a.config.server, address: '127.0.0.1:0' } }, silentLogger, { runJobs: false });
}
