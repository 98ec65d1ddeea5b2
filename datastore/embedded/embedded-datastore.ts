import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../postgres/data-source-options';
import { LazyDataSource } from '../postgres/connection';
import type { DatastoreHooks } from '../postgres/counting-logger';
import { PostgresDatastore } from '../postgres/postgres-datastore';
import { startPgliteServer } from './pglite-server';
import { FileCarveBlockStorage } from './carve-block-files';

export interface EmbeddedDatastoreOptions extends DatastoreHooks {
  /** PGlite's data directory; created on first boot, reused afterwards. */
  dir: string;
  /** Where carve block files go; default `<dir>-carves` (beside, not inside, PGlite's directory). */
  carvesDir?: string;
}

/**
 * One connection: pglite-socket multiplexes every client onto PGlite's single backend
 * and interleaves clients between the messages of one extended-protocol query (Parse /
 * Bind / Execute / Sync), so two connections corrupt each other's unnamed statement
 * (measured: "bind message supplies 1 parameters, but prepared statement requires 2").
 * PGlite runs one query at a time anyway, so one connection costs no throughput.
 */
const POOL_SIZE = 1;
/** Headroom over the pool for a reconnect while the old socket is still closing. */
const MAX_SOCKET_CONNECTIONS = 4;

/**
 * PGlite (PostgreSQL in WebAssembly) in a worker thread, served over the wire protocol on
 * 127.0.0.1, used through the Postgres adapter: same entities, same migrations.
 */
export class EmbeddedDatastore extends PostgresDatastore {
  private readonly lazy: LazyDataSource;

  constructor(opts: EmbeddedDatastoreOptions) {
    const db = new LazyDataSource(async () => {
      const server = await startPgliteServer({ dir: opts.dir, maxConnections: MAX_SOCKET_CONNECTIONS });
      try {
        const dataSource = await new DataSource(dataSourceOptions(server.url, POOL_SIZE, { onQuery: opts.onQuery })).initialize();
        return { dataSource, release: server.stop };
      } catch (err) {
        await server.stop();
        throw err;
      }
    });
    super({ url: '', poolSize: POOL_SIZE, kind: 'embedded', carveBlocks: new FileCarveBlockStorage(embeddedCarvesDir(opts)) }, db);
    this.lazy = db;
  }

  /**
   * After migrating, restart the worker: building the schema grows PGlite's wasm heap,
   * which never shrinks, and a fresh worker on the same files idles ~100 MB lower.
   */
  override async prepare(): Promise<void> {
    const { pending } = await this.migrationStatus();
    await super.prepare();
    if (pending.length > 0) await this.lazy.recycle();
  }
}

/** The directory of the embedded store's carve block files. */
export function embeddedCarvesDir(opts: Pick<EmbeddedDatastoreOptions, 'dir' | 'carvesDir'>): string {
  return opts.carvesDir ?? `${opts.dir.replace(/[\\/]+$/, '')}-carves`;
}
