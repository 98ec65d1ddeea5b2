// Just enough SQL parsing to fake answers: `select <cols> from <table> [where …]`.
// Anything fancier (joins, subqueries) parses as its first table; callers fall back
// to generic rows, which is all a load test needs.

export interface SelectShape {
  /** Output column names (aliases honoured); '*' for `select *`. */
  columns: string[] | '*';
  /** For each output column, the bare source column it reads (`uuid` in `uuid AS host_uuid`). */
  sources: string[];
  /** First table after FROM, lower-cased; undefined for `select 1;`. */
  table?: string;
  /** Raw WHERE text (without ORDER/LIMIT/GROUP), if any. */
  where?: string;
}

const SELECT_RE = /^\s*select\s+([\s\S]+?)(?:\s+from\s+([A-Za-z_][\w.]*)([\s\S]*))?\s*;?\s*$/i;

export function parseSelect(sql: string): SelectShape | undefined {
  const m = SELECT_RE.exec(sql.trim().replace(/;\s*$/, ''));
  if (!m) return undefined;
  const list = m[1]!.trim();
  const exprs = list === '*' ? [] : splitTopLevel(list);
  const columns = list === '*' ? '*' : exprs.map(columnName);
  const shape: SelectShape = { columns, sources: exprs.map(sourceColumn) };
  if (m[2]) shape.table = m[2].toLowerCase();
  const rest = m[3] ?? '';
  const w = /\bwhere\s+([\s\S]+?)(?:\s+(?:group\s+by|order\s+by|limit)\b[\s\S]*)?$/i.exec(rest);
  if (w) shape.where = w[1]!.trim();
  return shape;
}

/** Splits on commas outside parentheses and quotes. */
export function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of list) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/** SQLite's result column name: the alias, else the bare column, else the expression text. */
function columnName(expr: string): string {
  const alias = /\s+as\s+["'`]?([\w]+)["'`]?\s*$/i.exec(expr);
  if (alias) return alias[1]!;
  const col = /^(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)$/.exec(expr);
  return col ? col[1]! : expr;
}

/** The bare column an expression reads, ignoring any alias and table qualifier. */
function sourceColumn(expr: string): string {
  const bare = expr.replace(/\s+as\s+["'`]?\w+["'`]?\s*$/i, '').trim();
  const col = /^(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*|\d+)$/.exec(bare);
  return col ? col[1]! : bare;
}
