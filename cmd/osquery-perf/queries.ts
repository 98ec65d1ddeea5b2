// Answers the queries a distributed/read hands out, by name prefix (spec §0): detail →
// canned rows, additional → a plausible row, label → rule engine, live → generated rows
// or an error at the configured rate. Both fleet_ and kolide_ prefixes are accepted.
import { detailRows } from './detail-queries';
import { factTables, type AgentRuntime } from './host-details';
import type { AgentIdentity } from './identity';
import { evaluateLabelQuery } from './label-rules';
import type { Rng } from './rng';
import { generateRows, tableOf } from './row-generator';
import type { Row } from './templates';

export type QueryKind = 'detail' | 'additional' | 'label' | 'live' | 'other';

export interface QueryResult {
  rows: Row[];
  /** SQLite-style status: 0 ok, 1 error (osquery's Status::failure). */
  status: number;
  /** '' on success, the error text otherwise. */
  message: string;
}

const PREFIX_RE = /^(?:fleet|kolide)_(detail|additional|label|distributed)_query_(.+)$/;
const KIND: Record<string, QueryKind> = { detail: 'detail', additional: 'additional', label: 'label', distributed: 'live' };

export function classifyQuery(name: string): { kind: QueryKind; suffix: string } {
  const m = PREFIX_RE.exec(name);
  return m ? { kind: KIND[m[1]!]!, suffix: m[2]! } : { kind: 'other', suffix: name };
}

export interface QueryContext {
  identity: AgentIdentity;
  runtime: AgentRuntime;
  rng: Rng;
  liveQueryRows: number;
  liveQueryErrorRate: number;
}

const ok = (rows: Row[]): QueryResult => ({ rows, status: 0, message: '' });

export function answerQuery(name: string, sql: string, ctx: QueryContext): { kind: QueryKind; result: QueryResult } {
  const { kind, suffix } = classifyQuery(name);
  switch (kind) {
    case 'detail': {
      // Later Fleet versions add detail queries we have no canned rows for: fake them.
      const rows = detailRows(suffix, ctx.identity, ctx.runtime) ?? generateRows(sql, 1, ctx.rng, ctx.identity);
      return { kind, result: ok(rows) };
    }
    case 'additional':
      return { kind, result: ok(generateRows(sql, 1, ctx.rng, ctx.identity)) };
    case 'label':
      return { kind, result: ok(evaluateLabelQuery(sql, factTables(ctx.identity, ctx.runtime))) };
    case 'live': {
      if (ctx.liveQueryErrorRate > 0 && ctx.rng.chance(ctx.liveQueryErrorRate)) {
        const table = tableOf(sql);
        // A failed query reports no rows, status 1 and SQLite's message (fixture live-query-error).
        return { kind, result: { rows: [], status: 1, message: table ? `no such table: ${table}` : 'near "": syntax error' } };
      }
      return { kind, result: ok(generateRows(sql, ctx.liveQueryRows, ctx.rng, ctx.identity)) };
    }
    default:
      return { kind, result: ok(generateRows(sql, 1, ctx.rng, ctx.identity)) };
  }
}
