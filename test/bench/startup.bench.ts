/**
 * Idle memory and start-up time of `fleet serve` on each store, next to a bare
 * `node:http` server started the same way in the same run (the baseline).
 * Goals (issue 2): in-memory < 150 MB and ready < 2 s; embedded < 450 MB.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { rssMB, sleep, startAndWait, stop } from './process-probe';
import { recordResult } from './results';

const ROOT = resolve(__dirname, '../..');
const FLEET = join(ROOT, 'dist/cmd/fleet/main.js');
const PG_URL = process.env.FLEET_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const IDLE_MS = 3000;
const SERVE_ENV = { FLEET_SERVER_ADDRESS: '127.0.0.1:0', FLEET_LOGGING_DISABLE_BANNER: 'false' };
const URL_LINE = /listening on (\S+)/;

interface Measure {
  readyMs: number;
  rssMB: number;
}

async function measureFleet(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Measure> {
  const s = await startAndWait([FLEET, 'serve', ...args], { ...SERVE_ENV, ...env }, URL_LINE, '/healthz');
  await sleep(IDLE_MS);
  const m = { readyMs: s.readyMs, rssMB: rssMB(s.child.pid!) };
  await stop(s.child);
  return m;
}

async function measureBaseline(): Promise<Measure> {
  const dir = mkdtempSync(join(tmpdir(), 'bare-'));
  const script = join(dir, 'bare.js');
  writeFileSync(
    script,
    "const s=require('node:http').createServer((q,r)=>r.end('ok'));" +
      "s.listen(0,'127.0.0.1',()=>console.log('listening on http://127.0.0.1:'+s.address().port));",
  );
  const s = await startAndWait([script], {}, URL_LINE, '/');
  await sleep(IDLE_MS);
  const m = { readyMs: s.readyMs, rssMB: rssMB(s.child.pid!) };
  await stop(s.child);
  rmSync(dir, { recursive: true, force: true });
  return m;
}

async function postgresReachable(): Promise<boolean> {
  const c = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

test('idle memory and start-up time on each store', async () => {
  const baseline = await measureBaseline();
  const rows: Array<{ store: string } & Measure> = [{ store: 'bare node:http (baseline)', ...baseline }];

  rows.push({ store: 'inmem', ...(await measureFleet({ FLEET_DATASTORE: 'inmem' })) });

  const dir = mkdtempSync(join(tmpdir(), 'fleet-embedded-'));
  rows.push({ store: 'embedded (first boot)', ...(await measureFleet({ FLEET_DATASTORE: 'embedded', FLEET_EMBEDDED_DIR: dir })) });
  rows.push({ store: 'embedded (restart)', ...(await measureFleet({ FLEET_DATASTORE: 'embedded', FLEET_EMBEDDED_DIR: dir })) });
  rmSync(dir, { recursive: true, force: true });

  if (await postgresReachable()) {
    const db = `fleet_bench_${Date.now()}`;
    const admin = new Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    const url = PG_URL.replace(/\/[^/]*$/, `/${db}`);
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, [FLEET, 'prepare', 'db', '--postgres-url', url], { stdio: 'ignore' });
    rows.push({ store: 'postgres', ...(await measureFleet({ FLEET_DATASTORE: 'postgres', FLEET_POSTGRES_URL: url })) });
    await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
    await admin.end();
  } else {
    console.warn('Postgres unreachable: postgres row skipped');
  }

  const table = rows.map((r) => ({
    store: r.store,
    ready_ms: Math.round(r.readyMs),
    ready_vs_baseline: +(r.readyMs / baseline.readyMs).toFixed(2),
    idle_rss_mb: Math.round(r.rssMB),
    rss_vs_baseline: +(r.rssMB / baseline.rssMB).toFixed(2),
  }));
  console.table(table);
  recordResult('startup', table);

  const inmem = rows.find((r) => r.store === 'inmem')!;
  const embedded = rows.find((r) => r.store === 'embedded (restart)')!;
  expect(inmem.rssMB).toBeLessThan(150);
  expect(inmem.readyMs).toBeLessThan(2000);
  expect(embedded.rssMB).toBeLessThan(450);
});
