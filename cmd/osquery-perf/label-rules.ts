// A tiny rule engine for label SQL, evaluated against the agent's own facts (the rows of
// its one-row tables: os_version, system_info, osquery_info, uptime). It covers Fleet's
// built-in labels and simple custom ones; anything it cannot understand yields no rows,
// which Fleet reads as "not a member" — the same answer a failing query would give.
import { parseSelect, type SelectShape } from './sql';
import type { Row } from './templates';

export type FactTables = Readonly<Record<string, Row>>;

const MATCH_ROW: Row = { '1': '1' };

/** Label membership = at least one row (spec §5). */
export function evaluateLabelQuery(sql: string, facts: FactTables): Row[] {
  return evaluateFactQuery(sql, facts);
}

/** Runs a simple select against the one-row fact tables (also used for decorators). */
export function evaluateFactQuery(sql: string, facts: FactTables): Row[] {
  const shape = parseSelect(sql);
  if (!shape) return [];
  if (shape.table === undefined) {
    // `select 1;` (All Hosts) — constant select without FROM always yields one row.
    return shape.where === undefined && isConstantList(shape) ? [project(shape, MATCH_ROW)] : [];
  }
  const row = facts[shape.table];
  if (!row) return []; // unknown table: no rows
  if (shape.where !== undefined && !evaluateWhere(shape.where, row)) return [];
  return [project(shape, row)];
}

function isConstantList(shape: SelectShape): boolean {
  return shape.columns !== '*' && shape.columns.every((c) => /^\d+$/.test(c));
}

/** `select 1 …` → {"1":"1"}; `select *` → the row; named columns → those columns. */
function project(shape: SelectShape, row: Row): Row {
  if (shape.columns === '*') return { ...row };
  const out: Row = {};
  shape.columns.forEach((c, i) => {
    const src = shape.sources[i] ?? c;
    out[c] = /^\d+$/.test(src) ? src : (row[src] ?? '');
  });
  return out;
}

/** Disjunction of conjunctions of `col op 'literal'`; an atom it cannot parse is false. */
export function evaluateWhere(where: string, row: Row): boolean {
  const clause = stripParens(where);
  return splitKeyword(clause, 'or').some((conj) => splitKeyword(conj, 'and').every((atom) => evaluateAtom(stripParens(atom), row)));
}

function splitKeyword(text: string, keyword: 'or' | 'and'): string[] {
  return text.split(new RegExp(`\\s+${keyword}\\s+(?=(?:[^']*'[^']*')*[^']*$)`, 'i'));
}

function stripParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  return t;
}

const ATOM_RE = /^([A-Za-z_][\w.]*)\s*(=|==|!=|<>|not\s+like|like)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))$/i;

function evaluateAtom(atom: string, row: Row): boolean {
  const m = ATOM_RE.exec(atom);
  if (!m) return false;
  const column = m[1]!.replace(/^\w+\./, '');
  const value = row[column];
  if (value === undefined) return false;
  const literal = m[3] ?? m[4] ?? m[5]!;
  const op = m[2]!.toLowerCase().replace(/\s+/, ' ');
  switch (op) {
    case '=':
    case '==':
      return value === literal;
    case '!=':
    case '<>':
      return value !== literal;
    case 'like':
      return likeMatches(value, literal);
    default: // not like
      return !likeMatches(value, literal);
  }
}

/** SQLite LIKE: `%` any run, `_` one char, ASCII case-insensitive. */
export function likeMatches(value: string, pattern: string): boolean {
  const re = pattern
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`, 'is').test(value);
}
