// Helpers for tests that need real backing services (a Postgres server). Without one,
// such tests are skipped with a notice, unless FLEET_TEST_REQUIRE_SERVICES=1 (CI), where
// a missing service fails the run instead.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The admin connection tests create their databases through. */
export const TEST_POSTGRES_URL = process.env.FLEET_TEST_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/test';

/** Set by global-setup.ts ('1' / '0') so test files need not probe again. */
export const POSTGRES_AVAILABLE_ENV = 'FLEET_TEST_POSTGRES_AVAILABLE';

const PROBE_TIMEOUT_MS = 2000;

/** The bits of `pg` used here (the project has no @types/pg). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
type PgClientClass = new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as { Client: PgClientClass };

export function requireServices(): boolean {
  return process.env.FLEET_TEST_REQUIRE_SERVICES === '1';
}

/** Connection URL with the database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Host and port only: never print credentials from the URL. */
export function describeServer(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

export async function postgresAvailable(url = TEST_POSTGRES_URL): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Synchronous answer for use while Jest collects tests (describe blocks cannot await):
 * global-setup's verdict when present, else a probe in a child process.
 */
export function postgresAvailableSync(): boolean {
  const known = process.env[POSTGRES_AVAILABLE_ENV];
  if (known === '1' || known === '0') return known === '1';
  const probe = `
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.env.URL, connectionTimeoutMillis: ${PROBE_TIMEOUT_MS} });
    c.connect().then(() => c.query('SELECT 1')).then(() => process.exit(0), () => process.exit(1));`;
  let ok: boolean;
  try {
    execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, URL: TEST_POSTGRES_URL }, stdio: 'ignore', cwd: __dirname });
    ok = true;
  } catch {
    ok = false;
  }
  process.env[POSTGRES_AVAILABLE_ENV] = ok ? '1' : '0';
  return ok;
}

/**
 * `describe` when Postgres is reachable. Otherwise a notice and a skipped block, or, with
 * FLEET_TEST_REQUIRE_SERVICES=1, a failing test that says what is missing.
 */
export function describeIfPostgres(name: string, fn: () => void): void {
  if (postgresAvailableSync()) {
    describe(name, fn);
    return;
  }
  const why = `Postgres is not reachable at ${describeServer(TEST_POSTGRES_URL)} (set FLEET_TEST_POSTGRES_URL)`;
  if (requireServices()) {
    describe(name, () => {
      test('needs Postgres', () => {
        throw new Error(`${why}; FLEET_TEST_REQUIRE_SERVICES=1 makes this a failure`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${why}`);
  describe.skip(name, fn);
}

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/** Creates an empty `fleet_test_<random>` database on the test server. */
export async function createTestDatabase(adminUrl = TEST_POSTGRES_URL): Promise<TestDatabase> {
  const name = `fleet_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs one statement on a database directly (tests that inspect or tamper with rows). */
export async function queryDatabase(url: string, sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
