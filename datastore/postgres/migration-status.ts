import type { DataSource } from 'typeorm';
import type { MigrationStatus } from '../../internal/fleet';
import { MIGRATIONS_TABLE } from './data-source-options';

/** Names of the migrations this code ships, oldest first. */
export function knownMigrationNames(ds: DataSource): string[] {
  return ds.migrations.map((m) => m.name ?? m.constructor.name);
}

/** Compares shipped migrations with the database's record of run ones; changes nothing. */
export async function migrationStatus(ds: DataSource): Promise<MigrationStatus> {
  const known = knownMigrationNames(ds);
  const [table] = (await ds.query('SELECT to_regclass($1) IS NOT NULL AS present', [MIGRATIONS_TABLE])) as { present: boolean }[];
  const ran = table?.present
    ? ((await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`)) as { name: string }[]).map((r) => r.name)
    : [];
  return {
    pending: known.filter((name) => !ran.includes(name)),
    unknown: ran.filter((name) => !known.includes(name)),
  };
}
