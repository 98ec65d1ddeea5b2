import type { CarveMetadata } from '../internal/fleet';

/** Allowed carve `orderKey`s → field (and Postgres column of the same name). */
export const CARVE_ORDER_FIELDS: Readonly<Record<string, keyof CarveMetadata>> = {
  id: 'id',
  created_at: 'created_at',
  host_id: 'host_id',
  name: 'name',
  block_count: 'block_count',
  block_size: 'block_size',
  carve_size: 'carve_size',
  carve_id: 'carve_id',
  request_id: 'request_id',
  session_id: 'session_id',
  expired: 'expired',
  max_block: 'max_block',
};
