import type { ScheduledQuery } from '../../internal/fleet';
import { fleetTime } from './serialize';

/**
 * Fleet's scheduled query, in its field order: `query` is the SQL of the referenced query;
 * empty description/platform/version are omitted; unset snapshot/removed/shard/denylist
 * are `null`.
 */
export function scheduledQueryJSON(s: ScheduledQuery) {
  return {
    created_at: fleetTime(s.created_at),
    updated_at: fleetTime(s.updated_at),
    id: s.id,
    pack_id: s.pack_id,
    name: s.name,
    query_id: s.query_id,
    query_name: s.query_name,
    query: s.query,
    ...(s.description ? { description: s.description } : {}),
    interval: s.interval,
    snapshot: s.snapshot ?? null,
    removed: s.removed ?? null,
    ...(s.platform ? { platform: s.platform } : {}),
    ...(s.version ? { version: s.version } : {}),
    shard: s.shard ?? null,
    denylist: s.denylist ?? null,
  };
}
