import type { FleetConfig } from '../../internal/config/config';
import type { Datastore } from '../../internal/fleet';
import { EmbeddedDatastore } from '../../datastore/embedded';
import { InmemDatastore } from '../../datastore/inmem';
import { PostgresDatastore, type DatastoreHooks } from '../../datastore/postgres';

/**
 * The store the configuration names. Nothing is migrated here; see prepare/serve.
 * `hooks.onQuery` is called per SQL statement (Postgres and embedded; inmem sends none).
 */
export function openDatastore(config: FleetConfig, hooks: DatastoreHooks = {}): Datastore {
  switch (config.datastore) {
    case 'inmem':
      return new InmemDatastore();
    case 'embedded':
      return new EmbeddedDatastore({ dir: config.embedded.dir, onQuery: hooks.onQuery });
    case 'postgres':
      return new PostgresDatastore({ url: config.postgres.url, poolSize: config.postgres.pool_size, onQuery: hooks.onQuery });
  }
}

export class SchemaBehindError extends Error {}

/**
 * The embedded and in-memory stores prepare themselves; a Postgres server is prepared by
 * the operator (`fleet prepare db`), so serving refuses a schema that does not match.
 */
export async function readyDatastore(ds: Datastore): Promise<void> {
  if (ds.kind !== 'postgres') return ds.prepare();
  const status = await ds.migrationStatus();
  if (status.pending.length > 0) {
    throw new SchemaBehindError(
      `the database schema is behind: ${status.pending.length} migration(s) pending ` +
        `(${status.pending.join(', ')}). Run \`fleet prepare db\` with the same configuration, then start again.`,
    );
  }
  if (status.unknown.length > 0) {
    throw new SchemaBehindError(
      `the database has migrations this server does not know (${status.unknown.join(', ')}): ` +
        'it was prepared by a newer version of Fleet. Run that version instead.',
    );
  }
}
