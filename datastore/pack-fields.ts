// Rules both adapters apply to queries, packs and targets, written once so they cannot
// drift: option defaults, scheduled-query naming, pack-spec checks, the target search.
import {
  AlreadyExistsError,
  InvalidArgumentError,
  NotFoundError,
  type PackSpecInput,
  type PackSpecQueryInput,
  type ScheduledQuery,
  type ScheduledQueryOptions,
} from '../internal/fleet';

/** pack_targets.type: Fleet's kolide.TargetLabel / kolide.TargetHost. */
export const TARGET_LABEL = 0;
export const TARGET_HOST = 1;

/** The stored option columns of a scheduled query; absent options are null (osquery's defaults apply). */
export function scheduledQueryOptions(o: Partial<ScheduledQueryOptions>): ScheduledQueryOptions {
  return {
    description: o.description ?? '',
    interval: o.interval ?? 0,
    snapshot: o.snapshot ?? null,
    removed: o.removed ?? null,
    platform: o.platform ?? null,
    version: o.version ?? null,
    shard: o.shard ?? null,
    denylist: o.denylist ?? null,
  };
}

/** `base`, else `base-1`, `base-1-1`, … : the first not in `taken` (Fleet 3.5+). */
export function uniqueScheduledQueryName(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  while (taken.has(name)) name += '-1';
  return name;
}

/** A pack spec's query entry as a spec again: optional options only when set. */
export function scheduledQuerySpec(sq: ScheduledQuery): PackSpecQueryInput {
  const out: PackSpecQueryInput = { query: sq.query_name, name: sq.name, description: sq.description, interval: sq.interval };
  if (sq.snapshot !== null) out.snapshot = sq.snapshot;
  if (sq.removed !== null) out.removed = sq.removed;
  if (sq.platform !== null) out.platform = sq.platform;
  if (sq.version !== null) out.version = sq.version;
  if (sq.shard !== null) out.shard = sq.shard;
  if (sq.denylist !== null) out.denylist = sq.denylist;
  return out;
}

export interface PlannedScheduledQuery extends ScheduledQueryOptions {
  name: string;
  query_id: number;
}

/** A pack spec checked and resolved to ids, ready to write. */
export interface PlannedPackSpec {
  name: string;
  description: string;
  platform: string;
  disabled: boolean;
  queries: PlannedScheduledQuery[];
  /** Distinct, in first-mention order. */
  labelIds: number[];
}

/** Every query and label name the specs mention, lower-cased (names are unique regardless of case). */
export function packSpecNames(specs: PackSpecInput[]): { queries: string[]; labels: string[] } {
  const queries = new Set<string>();
  const labels = new Set<string>();
  for (const spec of specs) {
    for (const q of spec.queries ?? []) queries.add(q.query.toLowerCase());
    for (const l of spec.targets?.labels ?? []) labels.add(l.toLowerCase());
  }
  return { queries: [...queries], labels: [...labels] };
}

/**
 * Checks every spec before anything is written (so both adapters fail alike and all or
 * nothing), in spec order; per spec: empty name, then its queries in order (unknown query,
 * duplicate scheduled-query name), then its labels (unknown label: policy, not dropped).
 * `queryIds` / `labelIds` map lower-cased names to ids.
 */
export function planPackSpecs(
  specs: PackSpecInput[],
  queryIds: ReadonlyMap<string, number>,
  labelIds: ReadonlyMap<string, number>,
): PlannedPackSpec[] {
  return specs.map((spec) => {
    if (spec.name === '') throw new InvalidArgumentError('name', 'pack name must not be empty');
    const names = new Set<string>();
    const queries = (spec.queries ?? []).map((q): PlannedScheduledQuery => {
      const queryId = queryIds.get(q.query.toLowerCase());
      if (queryId === undefined) throw new NotFoundError('Query', q.query);
      const name = q.name !== '' && q.name !== undefined ? q.name : q.query;
      if (names.has(name)) throw new AlreadyExistsError('ScheduledQuery', name);
      names.add(name);
      return { ...scheduledQueryOptions(q), name, query_id: queryId };
    });
    const targets = new Set<number>();
    for (const label of spec.targets?.labels ?? []) {
      const id = labelIds.get(label.toLowerCase());
      if (id === undefined) throw new NotFoundError('Label', label);
      targets.add(id);
    }
    return {
      name: spec.name,
      description: spec.description ?? '',
      platform: spec.platform ?? '',
      disabled: spec.disabled ?? false,
      queries,
      labelIds: [...targets],
    };
  });
}

/** Terms that can match: the caller's words lower-cased, without empty ones and repeats. */
export function searchTerms(terms: string[]): string[] {
  return [...new Set(terms.map((t) => t.toLowerCase()).filter((t) => t !== ''))];
}

const WORD_CHAR = /[a-z0-9]/;

/**
 * Whether `text` contains, at the start of a word, one of `terms` (lower-case). Words are
 * runs of ASCII letters and digits: a term matches where it begins the text or follows a
 * character that is not one. (A term holding a separator, like `1.local`, matches that
 * phrase at a word start.)
 */
export function matchesWordPrefix(text: string, terms: readonly string[]): boolean {
  const lower = text.toLowerCase();
  for (const term of terms) {
    for (let i = lower.indexOf(term); i !== -1; i = lower.indexOf(term, i + 1)) {
      if (i === 0 || !WORD_CHAR.test(lower[i - 1]!)) return true;
    }
  }
  return false;
}

/** The same rule as a Postgres ARE for `lower(column) ~ pattern`. */
export function wordPrefixPattern(terms: readonly string[]): string {
  return `(^|[^a-z0-9])(${terms.map((t) => t.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')).join('|')})`;
}

/** The longest indexed word (see HOST_SEARCH_WORDS): longer runs are cut to it when indexed and searched. */
export const MAX_INDEXED_WORD = 100;

/**
 * A tsquery (text, for `::tsquery`) that every host matching wordPrefixPattern(terms) in a
 * column of HOST_SEARCH_WORDS satisfies: per term, its ASCII letter/digit runs must be words
 * of the text, the last one (when the term ends in one) only a word's start; terms OR'ed.
 * It is a pre-filter for an index (the regex still decides). Null when some term has no
 * letter or digit (it could match anywhere): then there is nothing to look up.
 */
export function wordPrefixTsquery(terms: readonly string[]): string | null {
  const parts: string[] = [];
  for (const term of terms) {
    const words = wordsQuery(term, /[a-z0-9]$/.test(term));
    if (words === null) return null;
    parts.push(words);
  }
  return parts.length === 0 ? null : parts.join(' | ');
}

/**
 * A tsquery that a column of HOST_SEARCH_WORDS equal to `text` (case-insensitively)
 * satisfies: all its letter/digit runs as words. Null when it has none, or has a non-ASCII
 * character (whose lower case may differ between JavaScript and the database's locale).
 */
export function exactWordsTsquery(text: string): string | null {
  return /[^\x00-\x7f]/.test(text) ? null : wordsQuery(text.toLowerCase(), false);
}

/** The runs of lower-case `text` as words ANDed, the last a prefix when `lastIsPrefix` (runs over MAX_INDEXED_WORD are cut, and prefixes). */
function wordsQuery(text: string, lastIsPrefix: boolean): string | null {
  const runs = text.match(/[a-z0-9]+/g);
  if (!runs) return null;
  const lexemes = runs.map((run, i) => {
    const prefix = (lastIsPrefix && i === runs.length - 1) || run.length > MAX_INDEXED_WORD;
    return `'${run.slice(0, MAX_INDEXED_WORD)}'${prefix ? ':*' : ''}`;
  });
  return `(${lexemes.join(' & ')})`;
}

/** `%term%` LIKE patterns (the term's own `%`, `_` and `\` literal): a cheap pre-filter. */
export function containsPatterns(terms: readonly string[]): string[] {
  return terms.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * The ids that can name a row (integers in the id column's range), distinct, in given
 * order. Others can match nothing, and would make Postgres refuse the whole `int[]`.
 */
export function rowIds(ids: readonly number[]): number[] {
  return [...new Set(ids.filter((id) => Number.isInteger(id) && id >= -INT32_MAX - 1 && id <= INT32_MAX))];
}
