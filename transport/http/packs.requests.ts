import type { PackInput, PackSpecInput, PackSpecQueryInput } from '../../internal/fleet';
import { JsonFields } from './json-fields';
import { MAX_QUERY_DESCRIPTION, MAX_QUERY_NAME, withoutUndefined } from './queries.requests';
import { MAX_PLATFORM, MAX_VERSION, readShard } from './schedule.requests';

// Type and size checks only; names, ranges and references are the service's rules.
export const MAX_PACK_NAME = 255;
export const MAX_PACK_DESCRIPTION = 65_535;
export const MAX_PACK_PLATFORM = 255;
/** Explicit host or label targets in one pack request. */
export const MAX_PACK_TARGETS = 100_000;
/** Specs in one `POST /spec/packs`, scheduled queries and label targets in one spec. */
export const MAX_PACK_SPECS = 10_000;
export const MAX_SPEC_QUERIES = 10_000;
export const MAX_SPEC_LABELS = 10_000;
export const MAX_LABEL_NAME = 255;

/** `POST /packs`, `PATCH /packs/{id}`: every field optional here. */
export function decodePackFields(body: unknown): PackInput {
  const f = JsonFields.body(body);
  const out: PackInput = {
    name: f.string('name', MAX_PACK_NAME),
    description: f.string('description', MAX_PACK_DESCRIPTION),
    platform: f.string('platform', MAX_PACK_PLATFORM),
    disabled: f.bool('disabled'),
    host_ids: f.ids('host_ids', MAX_PACK_TARGETS),
    label_ids: f.ids('label_ids', MAX_PACK_TARGETS),
  };
  f.done();
  return withoutUndefined(out);
}

/**
 * `POST /spec/packs {"specs": [PackSpec…]}`: the JSON types of every spec, all failures
 * reported as `specs.<i>…`, with Fleet's defaults filled (absent description/platform
 * "", disabled false, no labels, no queries; a scheduled query's `name` defaults to its
 * `query`). `id` is output only and ignored. `queries[].query` and `interval` are required.
 */
export function decodeApplyPackSpecs(body: unknown): PackSpecInput[] {
  const f = JsonFields.body(body);
  const items = f.objects('specs', MAX_PACK_SPECS, true);
  const specs: PackSpecInput[] = [];
  for (const item of items ?? []) {
    if (!item) continue;
    const targets = item.object('targets');
    const spec: PackSpecInput = {
      name: item.string('name', MAX_PACK_NAME, true) ?? '',
      description: item.string('description', MAX_PACK_DESCRIPTION) ?? '',
      platform: item.string('platform', MAX_PACK_PLATFORM) ?? '',
      disabled: item.bool('disabled') ?? false,
      targets: { labels: targets?.strings('labels', MAX_SPEC_LABELS, MAX_LABEL_NAME) ?? [] },
      queries: [],
    };
    for (const q of item.objects('queries', MAX_SPEC_QUERIES) ?? []) {
      if (q) spec.queries.push(decodePackSpecQuery(q));
    }
    specs.push(spec);
  }
  f.done();
  return specs;
}

function decodePackSpecQuery(q: JsonFields): PackSpecQueryInput {
  const query = q.string('query', MAX_QUERY_NAME, true) ?? '';
  const out: PackSpecQueryInput = {
    query,
    name: q.string('name', MAX_QUERY_NAME) || query,
    description: q.string('description', MAX_QUERY_DESCRIPTION) ?? '',
    interval: q.int('interval', true) ?? 0,
  };
  const snapshot = q.bool('snapshot');
  const removed = q.bool('removed');
  const denylist = q.bool('denylist');
  const shard = readShard(q);
  const platform = q.string('platform', MAX_PLATFORM);
  const version = q.string('version', MAX_VERSION);
  if (snapshot !== undefined) out.snapshot = snapshot;
  if (removed !== undefined) out.removed = removed;
  if (denylist !== undefined) out.denylist = denylist;
  if (shard !== undefined && shard !== null) out.shard = shard;
  if (platform !== undefined) out.platform = platform;
  if (version !== undefined) out.version = version;
  return out;
}
