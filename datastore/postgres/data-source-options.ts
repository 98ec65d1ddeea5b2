import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export const MIGRATIONS_TABLE = 'migrations';
export const DEFAULT_POOL_SIZE = 10;

/**
 * DataSource options shared by the server and ormconfig.ts. Nothing here needs session
 * state (no SET, named statements or advisory locks), so the same options serve the
 * embedded PGlite socket, where every connection shares one backend session.
 */
export function dataSourceOptions(url: string, poolSize = DEFAULT_POOL_SIZE): DataSourceOptions {
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
    logging: false,
  };
}
