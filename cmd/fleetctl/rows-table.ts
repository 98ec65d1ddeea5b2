// `fleetctl query --pretty`: one host's rows as a bordered table (hostname first, then the
// columns in name order, as Fleet's pretty writer lays them out).

/** Added by the server to every row; the hostname column already says it. */
const SERVER_COLUMNS = new Set(['host_hostname', 'host_display_name']);

export function rowsTable(hostname: string, rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return `${hostname}: no rows\n`;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => !SERVER_COLUMNS.has(c)).sort();
  const header = ['HOSTNAME', ...columns.map((c) => c.toUpperCase())];
  const body = rows.map((r) => [hostname, ...columns.map((c) => cell(r[c]))]);
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((row) => width(row[i]!))));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: string[]) => `|${cells.map((c, i) => ` ${c}${' '.repeat(widths[i]! - width(c))} `).join('|')}|`;
  return [rule, line(header), rule, ...body.flatMap((row) => [line(row), rule]), ''].join('\n');
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  // A row is one line of the table: embedded newlines and tabs would break the borders.
  return String(value).replace(/\r?\n|\r|\t/g, ' ');
}

/** Code points, so non-ASCII text does not shift the borders. */
function width(text: string): number {
  return [...text].length;
}
