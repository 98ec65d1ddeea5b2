import type { Request } from 'express';
import { BadRequestError, InvalidArgumentError, MAX_LIST_ROWS, type ListOptions } from '../../internal/fleet';

const MAX_ID = 2 ** 31 - 1;

/** A numeric path id; anything else is the client's mistake (400), never a 500. */
export function parseId(raw: string | string[] | undefined, name = 'id'): number {
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) throw new BadRequestError(`${name} must be a positive integer`, name);
  const id = Number(raw);
  if (id > MAX_ID) throw new BadRequestError(`${name} must be a positive integer`, name);
  return id;
}

/** A single-valued query-string parameter (a repeated one is a 400). */
export function queryParam(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequestError(`${name} must be given once`, name);
  return v;
}

function parseNonNegativeInt(raw: string, name: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new BadRequestError(`non-int ${name} value`, name);
  return Number(raw);
}

/**
 * Fleet's list options. `per_page` absent means all rows (fleetctl relies on it), or 20
 * when `page` is given. `order_key` must be on the endpoint's allow-list (422 otherwise):
 * the reference passed it to SQL unchecked.
 */
export function parseListOptions(req: Request, orderKeys: readonly string[]): ListOptions {
  const page = queryParam(req, 'page');
  const perPage = queryParam(req, 'per_page');
  const orderKey = queryParam(req, 'order_key');
  const orderDirection = queryParam(req, 'order_direction');
  const opts: ListOptions = { page: 0, orderDirection: 'asc' };
  if (page !== undefined && page !== '') opts.page = parseNonNegativeInt(page, 'page');
  if (perPage !== undefined && perPage !== '') {
    const n = parseNonNegativeInt(perPage, 'per_page');
    if (n < 1) throw new InvalidArgumentError('per_page', 'invalid per_page value');
    opts.perPage = Math.min(n, MAX_LIST_ROWS);
  } else if (page !== undefined && page !== '') {
    opts.perPage = 20;
  }
  if (orderDirection !== undefined && orderDirection !== '') {
    if (orderDirection !== 'asc' && orderDirection !== 'desc') {
      throw new InvalidArgumentError('order_direction', `unknown order_direction: ${orderDirection}`);
    }
    if (orderKey === undefined || orderKey === '') {
      throw new InvalidArgumentError('order_key', 'order_key must be specified with order_direction');
    }
    opts.orderDirection = orderDirection;
  }
  if (orderKey !== undefined && orderKey !== '') {
    if (!orderKeys.includes(orderKey)) throw new InvalidArgumentError('order_key', `order_key is not one of: ${orderKeys.join(", ")}`);
    opts.orderKey = orderKey;
  }
  return opts;
}
