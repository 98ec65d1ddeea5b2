import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { MAX_LIST_ROWS, type ListOptions } from '../../internal/fleet';
import { orderField } from '../order-fields';

/** ORDER BY the mapped column (ties by id asc), then LIMIT/OFFSET as ListOptions says. */
export function applyListOptions<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  opts: ListOptions,
  fields: Readonly<Record<string, keyof T>>,
): SelectQueryBuilder<T> {
  const column = String(orderField(fields, opts.orderKey));
  const direction = opts.orderDirection === 'desc' ? 'DESC' : 'ASC';
  qb.orderBy(`${qb.alias}.${column}`, direction);
  if (column !== 'id') qb.addOrderBy(`${qb.alias}.id`, 'ASC');
  const limit = opts.perPage ?? MAX_LIST_ROWS;
  const offset = opts.perPage === undefined ? 0 : opts.page * opts.perPage;
  return qb.limit(limit).offset(offset);
}
