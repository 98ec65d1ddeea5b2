// Turns a distributed/write into what must be saved, entirely in memory, so a bad answer
// anywhere fails the whole write before anything is stored (spec §3.4, checklist §16.4).
import type { DistributedResults } from '../../internal/fleet';
import { detailQuery, IngestError, INT32_MAX, type DetailPatch, type Row } from './detail-queries';
import type { LiveQueryResult } from './seams';

export const QUERY_PREFIXES = {
  detail: 'detail_query_',
  additional: 'additional_query_',
  label: 'label_query_',
  distributed: 'distributed_query_',
} as const;

/** The names we send (policy §7); results under the older `kolide_` prefixes are accepted too. */
export const SENT_PREFIX = 'fleet_';
const ACCEPTED_PREFIXES = ['fleet_', 'kolide_'];

export interface IngestedResults {
  /** Host facts from detail queries. */
  details: DetailPatch;
  /** True when any detail or additional query was answered (moves detail_updated_at). */
  detailUpdated: boolean;
  /** Additional query rows by bare name (replaces the host's `additional` when detailUpdated). */
  additional: Record<string, Row[]>;
  /** Label id → member (≥1 row), statuses ignored (Fleet 3.x). */
  labels: Array<[number, boolean]>;
  live: LiveQueryResult[];
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

function parseId(suffix: string, name: string): number {
  const id = /^\d{1,10}$/.test(suffix) ? Number(suffix) : NaN;
  if (!(id <= INT32_MAX)) throw new IngestError(`invalid id in query name ${JSON.stringify(clip(name))}`);
  return id;
}

/** Splits `fleet_<kind>_<rest>` / `kolide_<kind>_<rest>`; null when the prefix is unknown. */
function splitName(name: string): { kind: keyof typeof QUERY_PREFIXES; rest: string } | null {
  for (const p of ACCEPTED_PREFIXES) {
    if (!name.startsWith(p)) continue;
    const tail = name.slice(p.length);
    for (const kind of Object.keys(QUERY_PREFIXES) as Array<keyof typeof QUERY_PREFIXES>) {
      const k = QUERY_PREFIXES[kind];
      if (tail.startsWith(k)) return { kind, rest: tail.slice(k.length) };
    }
  }
  return null;
}

/** Throws IngestError (nothing to be saved) on an unknown name or an unparseable value. */
export function ingestResults(results: DistributedResults): IngestedResults {
  const out: IngestedResults = { details: {}, detailUpdated: false, additional: {}, labels: [], live: [] };
  const labels = new Map<number, boolean>();
  for (const name of Object.keys(results.queries)) {
    const rows = results.queries[name]!;
    const parsed = splitName(name);
    if (!parsed) throw new IngestError(`unknown query prefix: ${clip(name)}`);
    switch (parsed.kind) {
      case 'detail': {
        const q = detailQuery(parsed.rest);
        if (!q) throw new IngestError(`unknown detail query: ${clip(parsed.rest)}`);
        try {
          q.ingest(rows, out.details);
        } catch (err) {
          if (err instanceof IngestError) throw new IngestError(`ingesting detail query ${parsed.rest}: ${err.message}`);
          throw err;
        }
        out.detailUpdated = true;
        break;
      }
      case 'additional':
        if (parsed.rest === '') throw new IngestError(`unknown query prefix: ${clip(name)}`);
        out.additional[parsed.rest] = withoutNul(rows);
        out.detailUpdated = true;
        break;
      case 'label':
        labels.set(parseId(parsed.rest, name), rows.length > 0);
        break;
      case 'distributed': {
        const campaignId = parseId(parsed.rest, name);
        out.live.push({
          campaignId,
          rows,
          status: Object.prototype.hasOwnProperty.call(results.statuses, name) ? results.statuses[name]! : 0,
          message: Object.prototype.hasOwnProperty.call(results.messages, name) ? results.messages[name]! : null,
        });
        break;
      }
    }
  }
  out.labels = [...labels];
  return out;
}

/** Stored as JSON, where Postgres refuses U+0000: cut texts at a NUL, as SQLite would. */
function withoutNul(rows: Row[]): Row[] {
  const cut = (v: string): string => {
    const i = v.indexOf('\u0000');
    return i < 0 ? v : v.slice(0, i);
  };
  let dirty = false;
  for (const row of rows) {
    for (const k in row) if (k.includes('\u0000') || row[k]!.includes('\u0000')) dirty = true;
  }
  if (!dirty) return rows;
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [cut(k), cut(v)])));
}
