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
