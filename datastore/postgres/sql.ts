import type { EntityManager } from 'typeorm';
import { withoutParameters } from './pg-errors';

/** Positional parameters for hand-written SQL: `p.add(value)` returns its `$n`. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Rows of a SELECT or INSERT … RETURNING. Unnamed statements only (no session state), as
 * the embedded store requires. Errors lose their bound parameters (they can hold hashes).
 */
export async function queryRows<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  try {
    return (await em.query(sql, params)) as T[];
  } catch (err) {
    throw withoutParameters(err);
  }
}

/** Rows (RETURNING) and row count of an UPDATE or DELETE: TypeORM answers `[rows, count]` for those. */
export async function mutate<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<{ rows: T[]; count: number }> {
  try {
    const [rows, count] = (await em.query(sql, params)) as [T[], number];
    return { rows, count };
  } catch (err) {
    throw withoutParameters(err);
  }
}
