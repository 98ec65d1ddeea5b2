import { MAX_LIST_ROWS, type ListOptions } from '../../internal/fleet';
import { orderField } from '../order-fields';

/** Orders (ties by id) and pages rows the way the Postgres adapter's SQL does. */
export function listPage<T extends { id: number }>(
  rows: Iterable<T>,
  opts: ListOptions,
  fields: Readonly<Record<string, keyof T>>,
): T[] {
  const field = orderField(fields, opts.orderKey);
  const sign = opts.orderDirection === 'desc' ? -1 : 1;
  const sorted = [...rows].sort((a, b) => sign * compare(a[field], b[field]) || a.id - b.id);
  const limit = opts.perPage ?? MAX_LIST_ROWS;
  const offset = opts.perPage === undefined ? 0 : opts.page * opts.perPage;
  return sorted.slice(offset, offset + limit);
}

/** Null sorts after every value (Postgres' default: NULLS LAST ascending, FIRST descending). */
function compare(a: unknown, b: unknown): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = comparable(a);
  const y = comparable(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function comparable(v: unknown): number | string {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}
