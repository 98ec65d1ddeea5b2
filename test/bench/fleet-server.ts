/**
 * Helpers for benchmarks that need a real `fleet serve` process on Postgres: a fresh
 * database, `fleet prepare db`, the server spawned on an ephemeral port, setup done.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startAndWait, stop } from './process-probe';

export const ROOT = resolve(__dirname, '../..');
export const FLEET = join(ROOT, 'dist/cmd/fleet/main.js');
export const PG_URL = process.env.FLEET_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const PASSWORD = 'p4ssw0rd!';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createDatabase(): Promise<BenchDatabase> {
  const name = `fleet_bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_URL.replace(/\/[^/]*$/, `/${name}`);
  execFileSync(process.execPath, [FLEET, 'prepare', 'db', '--postgres-url', url], { stdio: 'ignore' });
  return {
    url,
    async drop() {
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface RunningFleet {
  child: ChildProcess;
  url: string;
  token: string;
  enrollSecret: string;
  stop(): Promise<void>;
}

/** Spawns `fleet serve` on Postgres, runs setup and returns the admin token and enroll secret. */
export async function startFleet(dbUrl: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<RunningFleet> {
  const s = await startAndWait(
    [...nodeArgs, FLEET, 'serve'],
    {
      FLEET_DATASTORE: 'postgres',
      FLEET_POSTGRES_URL: dbUrl,
      FLEET_SERVER_ADDRESS: '127.0.0.1:0',
      FLEET_AUTH_BCRYPT_COST: '4',
      FLEET_FILESYSTEM_STATUS_LOG_FILE: '/dev/null',
      FLEET_FILESYSTEM_RESULT_LOG_FILE: '/dev/null',
      ...env,
    },
    /listening on (\S+)/,
    '/healthz',
  );
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(s.url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    // After the first setup, /setup is no JSON route any more (a second server on one database).
    const text = await res.text();
    try {
      return JSON.parse(text) as any;
    } catch {
      return {};
    }
  };
  try {
    let token: string;
    const setup = await post('/api/v1/setup', {
      admin: { username: 'admin', email: 'admin@example.com', password: PASSWORD, admin: true },
      org_info: { org_name: 'Bench' },
      kolide_server_url: 'https://fleet.example.com',
    });
    if (setup.token) token = setup.token;
    else token = (await post('/api/v1/fleet/login', { username: 'admin', password: PASSWORD })).token;
    const secrets = await fetch(s.url + '/api/v1/fleet/spec/enroll_secret', { headers: { Authorization: `Bearer ${token}` } });
    const enrollSecret = ((await secrets.json()) as any).specs.secrets[0].secret as string;
    return { child: s.child, url: s.url, token, enrollSecret, stop: () => stop(s.child) };
  } catch (err) {
    // The caller never gets a handle to stop: do not leave the server running.
    await stop(s.child);
    throw err;
  }
}

/** Sum of a Prometheus counter over all its label sets, read from /metrics. */
export async function readCounter(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) total += Number(line.split(' ').pop());
  }
  return total;
}

/**
 * Starts a bare node:http server process that reads a POST body and answers a small JSON, or
 * `body` (the same JSON text every time, e.g. as large as the response being compared).
 */
export async function startBareServer(body?: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const script =
    "const fixed=process.env.BARE_BODY;" +
    "const s=require('node:http').createServer((q,r)=>{let b='';q.on('data',c=>b+=c);q.on('end',()=>{" +
    "JSON.parse(b||'{}');r.writeHead(200,{'Content-Type':'application/json; charset=utf-8'});" +
    "r.end(fixed===undefined?JSON.stringify({queries:{}}):fixed);});});s.keepAliveTimeout=65000;" +
    "s.listen(0,'127.0.0.1',()=>console.log('listening on http://127.0.0.1:'+s.address().port));";
  const s = await startAndWait(['-e', script], body === undefined ? {} : { BARE_BODY: body }, /listening on (\S+)/, '/');
  return { url: s.url, child: s.child, stop: () => stop(s.child) };
}
