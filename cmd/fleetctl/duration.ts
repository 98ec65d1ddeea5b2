// Go's time.ParseDuration, because Fleet's fleetctl takes `--timeout 10s`, `1m30s`, `1.5h`.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

/**
 * Milliseconds in a Go duration string: an optional sign, then one or more
 * `<decimal><unit>` parts (units ns, us, µs, ms, s, m, h); a bare "0" is allowed.
 * Throws with Go's message (`time: invalid duration "x"`) otherwise.
 */
export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration "${text}"`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    if (!m) throw invalid();
    const [whole, intPart, fracPart, unit] = m as unknown as [string, string, string | undefined, string];
    // Go needs a digit on at least one side of the point: ".5s" and "5.s" are fine, ".s" is not.
    if (intPart === '' && !fracPart) throw invalid();
    const ms = UNIT_MS[unit];
    if (ms === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${text}"`);
    total += Number(`${intPart || '0'}.${fracPart || '0'}`) * ms;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}
