import type { DataSourceOptions } from 'typeorm';
import { CountingLogger, type DatastoreHooks } from './counting-logger';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export const MIGRATIONS_TABLE = 'migrations';
export const DEFAULT_POOL_SIZE = 10;

/**
 * DataSource options shared by the server and ormconfig.ts. Nothing here needs session
 * state (no SET, named statements or advisory locks), so the same options serve the
 * embedded PGlite socket, where every connection shares one backend session.
 * `hooks.onQuery` is called once per statement sent (see CountingLogger).
 */
export function dataSourceOptions(url: string, poolSize = DEFAULT_POOL_SIZE, hooks: DatastoreHooks = {}): DataSourceOptions {
  const logging = false;
  return {
    type: 'postgres',
    url,
    poolSize,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    // One transaction per migration: works on PGlite and on a server alike, and a failed
    // migration leaves the earlier ones recorded.
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    // No entity needs an extension; skip the CREATE EXTENSION probes on connect.
    installExtensions: false,
    logging,
    ...(hooks.onQuery ? { logger: new CountingLogger(hooks.onQuery, logging) } : {}),
  };
}
