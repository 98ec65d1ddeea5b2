import type { Request } from 'express';
import { HOST_ORDER_KEYS, HOST_STATUSES, InvalidArgumentError, type HostListOptions, type HostStatus } from '../../internal/fleet';
import { parseListOptions, queryParam } from './params';

/** Longest search string accepted (hostnames, uuids, serials and IPs are all far shorter). */
export const MAX_SEARCH_LENGTH = 1024;
const MAX_ADDITIONAL_KEYS = 100;
const MAX_ADDITIONAL_KEY_LENGTH = 255;
/** How much of a client's value an error message repeats. */
const ECHO_LIMIT = 100;

/** A client-supplied value repeated in an error, cut short. */
export function echo(value: string): string {
  return value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value;
}

export interface HostListQuery {
  opts: Omit<HostListOptions, 'now' | 'labelId'>;
  /** `additional_info_filters`: each host's `additional` shows exactly these keys. */
  additionalKeys?: string[];
}

/**
 * The query string of a host list (`GET /hosts`, `GET /labels/{id}/hosts`): list options
 * (order keys from the allow-list), `status`, `query` and `additional_info_filters`.
 */
export function parseHostListQuery(req: Request): HostListQuery {
  const opts: HostListQuery['opts'] = parseListOptions(req, HOST_ORDER_KEYS);
  const status = queryParam(req, 'status');
  if (status !== undefined && status !== '') {
    if (!(HOST_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidArgumentError('status', `invalid status ${echo(status)}`);
    }
    opts.status = status as HostStatus;
  }
  const query = queryParam(req, 'query');
  if (query !== undefined && query !== '') {
    if (query.length > MAX_SEARCH_LENGTH) throw new InvalidArgumentError('query', 'is too long');
    opts.query = query;
  }
  const filters = queryParam(req, 'additional_info_filters');
  let additionalKeys: string[] | undefined;
  if (filters !== undefined && filters !== '') {
    additionalKeys = filters.split(',').filter((k) => k !== '');
    if (additionalKeys.length > MAX_ADDITIONAL_KEYS) {
      throw new InvalidArgumentError('additional_info_filters', `must name at most ${MAX_ADDITIONAL_KEYS} keys`);
    }
    if (additionalKeys.some((k) => k.length > MAX_ADDITIONAL_KEY_LENGTH)) {
      throw new InvalidArgumentError('additional_info_filters', 'is too long');
    }
  }
  return additionalKeys ? { opts, additionalKeys } : { opts };
}
