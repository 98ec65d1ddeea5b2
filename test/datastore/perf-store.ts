// Shared scaffolding of the datastore perf scripts (not part of `npm test`): open a fresh
// Postgres database or embedded store, reach its DataSource for SQL seeding, clean up.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { EmbeddedDatastore } from '../../datastore/embedded';
import { PostgresDatastore } from '../../datastore/postgres';
import type { LazyDataSource } from '../../datastore/postgres/connection';
import { createTestDatabase, type TestDatabase } from '../support/services';

export const PERF_KIND = process.env.FLEET_PERF_STORE ?? 'postgres';

export interface PerfStore {
  store: PostgresDatastore;
  /** The DataSource, for seeding around the ports (fine in a measurement script). */
  dataSource(): Promise<DataSource>;
  /** Closes the store and drops the database (kept with FLEET_PERF_KEEP=1). */
  close(): Promise<void>;
}

export async function openPerfStore(): Promise<PerfStore> {
  let db: TestDatabase | undefined;
  let dir: string | undefined;
  let store: PostgresDatastore;
  if (PERF_KIND === 'embedded') {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-perf-'));
    store = new EmbeddedDatastore({ dir });
  } else {
    db = await createTestDatabase();
    store = new PostgresDatastore({ url: db.url, poolSize: 4 });
  }
  await store.prepare();
  return {
    store,
    dataSource: () => (store as unknown as { db: LazyDataSource }).db.get(),
    async close() {
      await store.close();
      if (db && process.env.FLEET_PERF_KEEP === '1') console.log(`kept database ${db.name}`);
      else await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Prints `name  ms` rows under a title, aligned. */
export function printPerfResults(title: string, results: Array<[string, number]>): void {
  const width = Math.max(...results.map(([name]) => name.length));
  console.log([title, ...results.map(([name, ms]) => `  ${name.padEnd(width)}  ${ms.toFixed(1).padStart(8)}`)].join('\n'));
}

/** Timed calls per measured case. */
export const PERF_RUNS = 7;

/** Median wall time (ms) of `runs` calls of `fn`, after one warm-up call (plans, caches). */
export async function median(fn: () => Promise<unknown>, runs = PERF_RUNS): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Inserts hosts 1..count with SQL: 90% online (seen 0–9 s ago), 8% offline (minutes to
 * days), 2% mia, 1% new; each with its seen row (enrollHost's invariant), in All Hosts and
 * in its platform's builtin label.
 */
export async function seedPerfHosts(ds: DataSource, now: Date, count: number): Promise<void> {
  await ds.query(
    `INSERT INTO hosts (osquery_host_id, node_key_hash, enroll_secret_name, host_name, uuid, hardware_serial, primary_ip,
       primary_mac, platform, osquery_version, os_version, physical_memory, uptime, distributed_interval, config_tls_refresh,
       logger_tls_period, detail_update_time, label_update_time, created_at, last_enroll_time)
     SELECT 'oid-' || g, md5('key' || g), 'default', 'host-' || g || '.example.com', upper(md5('uuid' || g)),
       'SER' || lpad(g::text, 9, '0'), '10.' || (g / 65536) || '.' || ((g / 256) % 256) || '.' || (g % 256),
       'aa:bb:cc:' || lpad(to_hex((g / 65536) % 256), 2, '0') || ':' || lpad(to_hex((g / 256) % 256), 2, '0') || ':' || lpad(to_hex(g % 256), 2, '0'),
       (ARRAY['darwin','ubuntu','windows','centos'])[1 + g % 4], '5.10.2', 'Some OS 1.2.3',
       17179869184, 86400 + g, 10, 10, 60,
       $1::timestamptz - interval '10 minutes', $1::timestamptz - interval '10 minutes',
       CASE WHEN g % 100 = 0 THEN $1::timestamptz - interval '1 hour' ELSE $1::timestamptz - (g % 365) * interval '1 day' - interval '2 days' END,
       $1::timestamptz - interval '2 days'
     FROM generate_series(1, $2::int) g`,
    [now, count],
  );
  await ds.query(
    `INSERT INTO host_seen_times (host_id, online_window_s, seen_time)
     SELECT id, LEAST(distributed_interval, config_tls_refresh) + 30, CASE WHEN id % 100 < 90 THEN $1::timestamptz - (id % 10) * interval '1 second'
                     WHEN id % 100 < 98 THEN $1::timestamptz - (id % 5000) * interval '1 minute'
                     ELSE $1::timestamptz - interval '40 days' END
     FROM hosts`,
    [now],
  );
  await ds.query(`INSERT INTO label_membership (host_id, label_id) SELECT id, 6 FROM hosts`);
  await ds.query(
    `INSERT INTO label_membership (host_id, label_id)
     SELECT h.id, l.id FROM hosts h JOIN labels l ON l.label_type = 'builtin' AND l.platform <> '' AND l.platform = h.platform`,
  );
}
