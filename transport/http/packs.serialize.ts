import type { Pack, PackSpecInput, PackView } from '../../internal/fleet';
import { fleetTime } from './serialize';

/** Fleet 3.x's Pack: empty description/platform and `disabled: false` are omitted. */
export function packJSON(p: Pack) {
  return {
    created_at: fleetTime(p.created_at),
    updated_at: fleetTime(p.updated_at),
    id: p.id,
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    ...(p.platform ? { platform: p.platform } : {}),
    ...(p.disabled ? { disabled: true } : {}),
  };
}

/** Fleet's "pack response": the pack plus its counts and explicit targets (`[]` when none). */
export function packResponseJSON(v: PackView) {
  return {
    ...packJSON(v.pack),
    query_count: v.stats.query_count,
    total_hosts_count: v.stats.total_hosts_count,
    host_ids: [...v.targets.host_ids],
    label_ids: [...v.targets.label_ids],
  };
}

/**
 * A PackSpec as fleetctl reads it (spec §3): `id` (output only), `disabled` always,
 * `targets.labels` null when none, `queries` omitted when none; each query shows
 * `description` always and its optional options only when set. It applies back unchanged.
 */
export function packSpecJSON(s: PackSpecInput & { id: number }) {
  return {
    id: s.id,
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    ...(s.platform ? { platform: s.platform } : {}),
    disabled: s.disabled,
    targets: { labels: s.targets.labels.length > 0 ? [...s.targets.labels] : null },
    ...(s.queries.length > 0
      ? {
          queries: s.queries.map((q) => ({
            query: q.query,
            name: q.name,
            description: q.description,
            interval: q.interval,
            ...(q.snapshot !== undefined && q.snapshot !== null ? { snapshot: q.snapshot } : {}),
            ...(q.removed !== undefined && q.removed !== null ? { removed: q.removed } : {}),
            ...(q.shard !== undefined && q.shard !== null ? { shard: q.shard } : {}),
            ...(q.platform !== undefined && q.platform !== null ? { platform: q.platform } : {}),
            ...(q.version !== undefined && q.version !== null ? { version: q.version } : {}),
            ...(q.denylist !== undefined && q.denylist !== null ? { denylist: q.denylist } : {}),
          })),
        }
      : {}),
  };
}
