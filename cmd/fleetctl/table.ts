// Boxed text tables for `fleetctl get`, in the look of Fleet's (upper-case header, a rule
// between rows so multi-line SQL stays readable).

/** Renders `rows` under `headers`; a cell containing newlines spans several lines of its row. */
export function renderTable(headers: string[], rows: string[][]): string {
  const cells = [headers.map((h) => h.toUpperCase()), ...rows].map((row) => headers.map((_, i) => lines(row[i] ?? '')));
  const widths = headers.map((_, col) => Math.max(...cells.map((row) => Math.max(...row[col]!.map(width)))));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const out = [rule];
  for (const row of cells) {
    const height = Math.max(...row.map((c) => c.length));
    for (let line = 0; line < height; line++) {
      out.push(`|${row.map((c, col) => ` ${pad(c[line] ?? '', widths[col]!)} `).join('|')}|`);
    }
    out.push(rule);
  }
  return `${out.join('\n')}\n`;
}

function lines(text: string): string[] {
  // Tabs would break the alignment of every column after them.
  return text.replace(/\t/g, '    ').split(/\r?\n/);
}

/** Display width in code points (good enough for the ASCII SQL and names tables hold). */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(to - width(text));
}
