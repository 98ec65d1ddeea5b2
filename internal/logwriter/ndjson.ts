/**
 * Turns log lines into NDJSON text. osquery sends compact JSON, but a client that
 * pretty-printed its body would give elements with newlines in them, which would split one
 * log line into several; such a line is compacted (whitespace outside strings dropped,
 * which keeps every number and escape as sent). Raw CR/LF cannot occur inside a valid
 * JSON string, so their presence alone says the line needs it.
 */
export function toNdjson(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) text += (needsCompacting(line) ? compactJson(line) : line) + '\n';
  return text;
}

function needsCompacting(line: string): boolean {
  return line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0;
}

/** Removes insignificant whitespace from valid JSON text. */
export function compactJson(json: string): string {
  let out = '';
  let from = 0; // start of the pending run to copy
  let i = 0;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(json, i);
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out += json.slice(from, i);
      while (i < json.length && isSpace(json.charCodeAt(i))) i++;
      from = i;
    } else {
      i++;
    }
  }
  return out + json.slice(from);
}

function endOfString(json: string, open: number): number {
  let i = open + 1;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return json.length;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
