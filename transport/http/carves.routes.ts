import { CARVE_ORDER_KEYS, InvalidArgumentError, type CarveMetadata } from '../../internal/fleet';
import { echo } from './hosts.requests';
import { parseId, parseListOptions, queryParam } from './params';
import { ok, type RouteDef } from './route';
import { fleetTime } from './serialize';
import type { Services } from './services';
import type { Request } from 'express';

/** Fleet's Carve JSON (rest-api.md §3), in its field order. */
export function carveJSON(c: CarveMetadata) {
  return {
    id: c.id,
    created_at: fleetTime(c.created_at),
    host_id: c.host_id,
    name: c.name,
    block_count: c.block_count,
    block_size: c.block_size,
    carve_size: c.carve_size,
    carve_id: c.carve_id,
    request_id: c.request_id,
    session_id: c.session_id,
    expired: c.expired,
    max_block: c.max_block,
  };
}

/** `expired`: absent/""/0/false → non-expired only; 1/true → include expired; else 422. */
function parseExpired(req: Request): boolean {
  const v = queryParam(req, 'expired');
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new InvalidArgumentError('expired', `invalid expired value ${echo(v)}`);
}

/** Carves (rest-api.md §13): any logged-in user may list them and download blocks. */
export function carveRoutes({ carves }: Services): RouteDef[] {
  if (!carves) return [];
  return [
    {
      method: 'GET',
      path: '/carves',
      name: 'list_carves',
      auth: 'auth',
      async handle({ req }) {
        const opts = { ...parseListOptions(req, CARVE_ORDER_KEYS), includeExpired: parseExpired(req) };
        const list = await carves.listCarves(opts);
        // Fleet answers null, not [], when there are none.
        return ok({ carves: list.length === 0 ? null : list.map(carveJSON) });
      },
    },
    {
      method: 'GET',
      path: '/carves/:id',
      name: 'get_carve',
      auth: 'auth',
      async handle({ req }) {
        return ok({ carve: carveJSON(await carves.carve(parseId(req.params.id))) });
      },
    },
    {
      method: 'GET',
      path: '/carves/:id/block/:block_id',
      name: 'get_carve_block',
      auth: 'auth',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const blockId = parseId(req.params.block_id, 'block_id');
        const data = await carves.carveBlock(id, blockId);
        return ok({ data: data.toString('base64') });
      },
    },
  ];
}
