/**
 * Finds the source text of each element of a top-level array inside a JSON object, so log
 * lines reach the writer byte-for-byte as osquery sent them: JSON.parse + stringify would
 * round 64-bit integers in `numerics` lines (18446744073709551615) and re-escape strings.
 *
 * The input is assumed to be valid JSON (the body parser already ran JSON.parse); the scan
 * still never loops or throws on bad input, it returns null. One pass, linear time:
 * strings are skipped with indexOf, and each backslash run is counted once.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * The exact text of each element of the array at `raw[key]`, or null when `raw` is not an
 * object or `key` is absent or not an array. With duplicate keys the last one counts, as in
 * JSON.parse. Whitespace around elements is not included.
 */
export function splitJsonArrayElements(raw: string, key: string): string[] | null {
  const end = raw.length;
  let i = skipWhitespace(raw, 0);
  if (raw.charCodeAt(i) !== OPEN_BRACE) return null;
  i = skipWhitespace(raw, i + 1);
  if (raw.charCodeAt(i) === CLOSE_BRACE) return null;

  let found: string[] | null = null;
  while (i < end) {
    if (raw.charCodeAt(i) !== QUOTE) return null;
    const keyEnd = skipString(raw, i);
    const isKey = keyEquals(raw, i, keyEnd, key);
    i = skipWhitespace(raw, keyEnd);
    if (raw.charCodeAt(i) !== COLON) return null;
    i = skipWhitespace(raw, i + 1);
    if (isKey && raw.charCodeAt(i) === OPEN_BRACKET) {
      const array = readArray(raw, i);
      if (array === null) return null;
      found = array.elements;
      i = array.end;
    } else {
      if (isKey) found = null; // a later non-array duplicate wins, as in JSON.parse
      i = skipValue(raw, i);
    }
    i = skipWhitespace(raw, i);
    const c = raw.charCodeAt(i);
    if (c === CLOSE_BRACE) return found;
    if (c !== COMMA) return null;
    i = skipWhitespace(raw, i + 1);
  }
  return null;
}

function readArray(raw: string, open: number): { elements: string[]; end: number } | null {
  const elements: string[] = [];
  let i = skipWhitespace(raw, open + 1);
  if (raw.charCodeAt(i) === CLOSE_BRACKET) return { elements, end: i + 1 };
  while (i < raw.length) {
    const valueEnd = skipValue(raw, i);
    if (valueEnd === i) return null; // nothing where a value belongs
    elements.push(raw.slice(i, valueEnd));
    i = skipWhitespace(raw, valueEnd);
    const c = raw.charCodeAt(i);
    if (c === CLOSE_BRACKET) return { elements, end: i + 1 };
    if (c !== COMMA) return null;
    i = skipWhitespace(raw, i + 1);
  }
  return null;
}

/** Compares a JSON string token with `key`; escapes (rare in keys) are decoded first. */
function keyEquals(raw: string, start: number, end: number, key: string): boolean {
  const body = raw.slice(start + 1, end - 1);
  if (body.indexOf('\\') < 0) return body === key;
  try {
    return JSON.parse(raw.slice(start, end)) === key;
  } catch {
    return false;
  }
}

/** The index just past the value starting at `i` (which is not whitespace). */
function skipValue(raw: string, i: number): number {
  const c = raw.charCodeAt(i);
  if (c === QUOTE) return skipString(raw, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return skipContainer(raw, i);
  // A number, true, false or null: runs to the next delimiter.
  let j = i;
  while (j < raw.length) {
    const d = raw.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isWhitespace(d)) break;
    j++;
  }
  return j;
}

function skipContainer(raw: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < raw.length) {
    const c = raw.charCodeAt(j);
    if (c === QUOTE) {
      j = skipString(raw, j);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return raw.length;
}

/** `raw[i]` is an opening quote; returns the index just past the closing one. */
function skipString(raw: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = raw.indexOf('"', from);
    if (q < 0) return raw.length;
    // The quote is escaped when an odd number of backslashes precede it.
    let b = q - 1;
    while (raw.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function skipWhitespace(raw: string, i: number): number {
  let j = i;
  while (j < raw.length && isWhitespace(raw.charCodeAt(j))) j++;
  return j;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
