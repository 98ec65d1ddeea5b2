import type { Pack, Query, QuerySpecInput } from '../../internal/fleet';
import { packJSON } from './packs.serialize';
import { fleetTime } from './serialize';

/** Fleet's Query, in its field order, with the packs that schedule it (one entry per scheduled query). */
export function queryJSON(q: Query, packs: Pack[]) {
  return {
    created_at: fleetTime(q.created_at),
    updated_at: fleetTime(q.updated_at),
    id: q.id,
    name: q.name,
    description: q.description,
    query: q.query,
    saved: q.saved,
    author_id: q.author_id ?? null,
    author_name: q.author_name ?? '',
    packs: packs.map(packJSON),
  };
}

/** A QuerySpec as fleetctl reads it: `description` omitted when empty. */
export function querySpecJSON(s: QuerySpecInput) {
  return {
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    query: s.query,
  };
}
