import type { ScheduledQueryOptions, ScheduledQueryPatch } from '../../internal/fleet';
import { JsonFields } from './json-fields';
import { MAX_QUERY_DESCRIPTION, withoutUndefined } from './queries.requests';

// Type and size checks only; ranges (interval, shard) and formats are the service's rules.
export const MAX_PLATFORM = 255;
export const MAX_VERSION = 255;
const SHARD_TYPE = 'must be an integer, a numeric string or ""';

/**
 * `shard` as Fleet's decoder read it: absent or `null` → undefined (keep / unset);
 * `""` → null (clear); a number or a numeric string → that number.
 */
export function readShard(f: JsonFields): number | null | undefined {
  const v = f.obj.shard;
  if (v === undefined || v === null) return undefined;
  if (v === '') return null;
  if (typeof v === 'string' && /^\d{1,9}$/.test(v)) return Number(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  f.invalid.append(f.at('shard'), SHARD_TYPE);
  return undefined;
}

/** `POST /schedule`: `pack_id`, `query_id` and `interval` are required; unset options are null. */
export function decodeNewScheduledQuery(body: unknown): { packId: number; queryId: number; options: ScheduledQueryOptions } {
  const f = JsonFields.body(body);
  const packId = f.id('pack_id', true);
  const queryId = f.id('query_id', true);
  const options: ScheduledQueryOptions = {
    interval: f.int('interval', true) ?? 0,
    snapshot: f.bool('snapshot') ?? null,
    removed: f.bool('removed') ?? null,
    platform: f.string('platform', MAX_PLATFORM) ?? null,
    version: f.string('version', MAX_VERSION) ?? null,
    shard: readShard(f) ?? null,
    denylist: f.bool('denylist') ?? null,
    description: f.string('description', MAX_QUERY_DESCRIPTION) ?? '',
  };
  f.done();
  return { packId: packId!, queryId: queryId!, options };
}

/**
 * `PATCH /schedule/{id}`: absent or `null` keeps a field; `shard: ""` clears the shard
 * (Fleet's rule for the one nullable field its UI clears).
 */
export function decodeScheduledQueryPatch(body: unknown): ScheduledQueryPatch {
  const f = JsonFields.body(body);
  const patch: ScheduledQueryPatch = {
    pack_id: f.id('pack_id'),
    query_id: f.id('query_id'),
    interval: f.int('interval'),
    snapshot: f.bool('snapshot'),
    removed: f.bool('removed'),
    platform: f.string('platform', MAX_PLATFORM),
    version: f.string('version', MAX_VERSION),
    shard: readShard(f),
    denylist: f.bool('denylist'),
    description: f.string('description', MAX_QUERY_DESCRIPTION),
  };
  f.done();
  return withoutUndefined(patch);
}
