// An osquery pack file (JSON with osquery's extensions) → one Fleet pack spec plus one query
// spec per scheduled query (spec rest-api.md §16.3, `convert`).

export interface ConvertedQuery {
  name: string;
  description?: string;
  query: string;
}

export interface ConvertedPackQuery {
  query: string;
  name: string;
  description: string;
  interval: number;
  snapshot?: boolean;
  removed?: boolean;
  shard?: number;
  platform?: string;
  version?: string;
  denylist?: boolean;
}

export interface ConvertedPack {
  pack: { name: string; targets: { labels: string[] }; queries: ConvertedPackQuery[] };
  queries: ConvertedQuery[];
}

/** Thrown with a message that names the problem; the caller prefixes the file name. */
export class PackFormatError extends Error {}

/**
 * `name` is the pack's name (the file's basename without extension). Each query keeps its key
 * as query name and scheduled name; pack-level platform/version/shard/discovery are dropped
 * because a Fleet pack is targeted by labels instead.
 */
export function convertPack(text: string, name: string): ConvertedPack {
  const pack = parsePackJson(text);
  if (typeof pack !== 'object' || pack === null || Array.isArray(pack)) throw new PackFormatError('a pack must be a JSON object');
  const queries = (pack as Record<string, unknown>).queries;
  if (typeof queries !== 'object' || queries === null || Array.isArray(queries)) {
    throw new PackFormatError('the pack has no "queries" object');
  }
  const out: ConvertedPack = { pack: { name, targets: { labels: [] }, queries: [] }, queries: [] };
  for (const [key, raw] of Object.entries(queries as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PackFormatError(`query "${key}" must be an object`);
    const q = raw as Record<string, unknown>;
    if (typeof q.query !== 'string') throw new PackFormatError(`query "${key}" has no "query" string`);
    const description = typeof q.description === 'string' ? q.description : '';
    out.queries.push(description ? { name: key, description, query: q.query } : { name: key, query: q.query });
    const scheduled: ConvertedPackQuery = { query: key, name: key, description, interval: wholeNumber(q.interval, key, 'interval') };
    if (typeof q.snapshot === 'boolean') scheduled.snapshot = q.snapshot;
    if (typeof q.removed === 'boolean') scheduled.removed = q.removed;
    if (q.shard !== undefined && q.shard !== null && q.shard !== '') scheduled.shard = wholeNumber(q.shard, key, 'shard');
    if (typeof q.platform === 'string' && q.platform !== '') scheduled.platform = q.platform;
    if (typeof q.version === 'string' && q.version !== '') scheduled.version = q.version;
    // Fleet 3.7+ schedules carry osquery's denylist flag too; dropping it would change behaviour.
    if (typeof q.denylist === 'boolean') scheduled.denylist = q.denylist;
    out.pack.queries.push(scheduled);
  }
  return out;
}

/**
 * osquery's loader accepts more than JSON: a backslash-newline continues a string on the next
 * line (kept as a newline in the SQL, as Fleet's convert does), and whole lines starting with
 * `#` or `//` are comments.
 */
export function parsePackJson(text: string): unknown {
  const joined = text.replace(/^\uFEFF/, '').replace(/[ \t]*\\\r?\n/g, '\\n');
  const withoutComments = joined
    .split('\n')
    .map((line) => (/^\s*(#|\/\/)/.test(line) ? '' : line))
    .join('\n');
  try {
    return JSON.parse(withoutComments);
  } catch (err) {
    throw new PackFormatError(`invalid JSON${lineHint(withoutComments, err as Error)}: ${jsonProblem(err as Error)}`);
  }
}

/** V8's message without the excerpt of the input it quotes (which may span lines). */
function jsonProblem(err: Error): string {
  return err.message.replace(/, "[\s\S]*" is not valid JSON$/, '').split('\n')[0]!;
}

function lineHint(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return '';
  const line = text.slice(0, Number(m[1])).split('\n').length;
  return ` at line ${line}`;
}

/** osquery packs write numbers both as JSON numbers and as numeric strings. */
function wholeNumber(v: unknown, query: string, field: string): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  throw new PackFormatError(`query "${query}": ${field} ${JSON.stringify(v ?? null)} is not a whole number`);
}
