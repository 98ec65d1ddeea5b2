import { splitJsonArrayElements } from '../../internal/logwriter/split-json-array';
import { logFixtures } from './fixtures';

/** Checks the elements are verbatim, in order, and separated only by commas and whitespace. */
function expectVerbatim(raw: string, elements: string[]): void {
  let cursor = raw.indexOf('[', raw.indexOf('"data"')) + 1;
  for (const el of elements) {
    const at = raw.indexOf(el, cursor);
    expect(at).toBeGreaterThanOrEqual(cursor);
    expect(raw.slice(cursor, at)).toMatch(/^[\s,]*$/);
    cursor = at + el.length;
  }
  expect(raw.slice(cursor)).toMatch(/^\s*\]/);
}

describe('splitJsonArrayElements on the osquery /log fixtures', () => {
  const fixtures = logFixtures();

  it('finds the fixtures', () => {
    expect(fixtures.map((f) => f.name)).toEqual(expect.arrayContaining(['log-result-event-numerics.json', 'log-status-osquery5.json']));
    expect(fixtures.length).toBeGreaterThanOrEqual(7);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s: splits every element byte-exactly', (_name, f) => {
    for (const raw of [f.compact, f.pretty]) {
      const elements = splitJsonArrayElements(raw, 'data')!;
      expect(elements).toHaveLength(f.data.length);
      expectVerbatim(raw, elements);
      elements.forEach((el, i) => expect(JSON.parse(el)).toEqual(f.data[i]));
    }
    // On the wire form each element is exactly the compact text of that line.
    expect(splitJsonArrayElements(f.compact, 'data')).toEqual(f.data.map((d) => JSON.stringify(d)));
  });
});

describe('splitJsonArrayElements', () => {
  it('keeps 64-bit integers and escapes exactly as sent', () => {
    const line = '{"columns":{"size":18446744073709551615,"neg":-9223372036854775808,"f":1.50e+3},"s":"\\u00e9\\/\\"q\\\\"}';
    const raw = `{"node_key":"k","log_type":"result","data":[${line},{"a":1}]}`;
    expect(splitJsonArrayElements(raw, 'data')).toEqual([line, '{"a":1}']);
    expect(JSON.stringify(JSON.parse(line))).not.toBe(line); // what a parse/stringify round trip would do
  });

  it('does not depend on key order or whitespace', () => {
    const raw = ' \n{ "data" :\t[ {"x":[1,{"y":"]}"}]} ,\n"s" , 12 , true,null, [] ] , "log_type":"status" } ';
    expect(splitJsonArrayElements(raw, 'data')).toEqual(['{"x":[1,{"y":"]}"}]}', '"s"', '12', 'true', 'null', '[]']);
    expect(splitJsonArrayElements('{"log_type":"status","data":[]}', 'data')).toEqual([]);
  });

  it('skips strings and nested values that mention the key', () => {
    const raw = '{"a":"\\"data\\":[1]","b":{"data":[2]},"c":["data",[3]],"data":[{"data":[4]}]}';
    expect(splitJsonArrayElements(raw, 'data')).toEqual(['{"data":[4]}']);
  });

  it('handles backslash runs before quotes', () => {
    const raw = '{"a":"x\\\\","data":["\\\\\\"","\\\\\\\\"]}';
    expect(JSON.parse(raw).data).toEqual(['\\"', '\\\\']);
    expect(splitJsonArrayElements(raw, 'data')).toEqual(['"\\\\\\""', '"\\\\\\\\"']);
  });

  it('matches a key written with escapes, as JSON.parse does', () => {
    expect(splitJsonArrayElements('{"d\\u0061ta":[1]}', 'data')).toEqual(['1']);
  });

  it('uses the last of duplicate keys, as JSON.parse does', () => {
    expect(splitJsonArrayElements('{"data":[1],"data":[2]}', 'data')).toEqual(['2']);
    expect(splitJsonArrayElements('{"data":[1],"data":"x"}', 'data')).toBeNull();
  });

  it('keeps non-ASCII text as is', () => {
    const raw = '{"data":[{"m":"Jordan’s Mac — ✓ 😀"}]}';
    expect(splitJsonArrayElements(raw, 'data')).toEqual(['{"m":"Jordan’s Mac — ✓ 😀"}']);
  });

  it.each([
    ['a missing key', '{"node_key":"k","log_type":"result"}'],
    ['an object', '{"data":{"0":{}}}'],
    ['a string', '{"data":"[{}]"}'],
    ['null', '{"data":null}'],
    ['a number', '{"data":1}'],
    ['an empty object', '{}'],
    ['a top-level array', '[{"data":[1]}]'],
    ['a top-level string', '"data"'],
    ['an empty text', ''],
  ])('returns null for %s', (_name, raw) => {
    expect(splitJsonArrayElements(raw, 'data')).toBeNull();
  });

  it('returns null instead of looping on malformed text', () => {
    for (const raw of ['{"data":[1,', '{"data":[1 2]}', '{"data"', '{"data":["x', '{"a" 1}', '{"data":[,]}']) {
      expect(splitJsonArrayElements(raw, 'data')).toBeNull();
    }
  });

  it('runs in linear time on large and adversarial bodies', () => {
    const time = (raw: string): number => {
      const t = process.hrtime.bigint();
      splitJsonArrayElements(raw, 'data');
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    // Many escaped quotes after long backslash runs, and deep nesting.
    const nasty = (n: number) => `{"data":["${'\\\\'.repeat(n)}${'\\"'.repeat(n)}",${'['.repeat(n)}${']'.repeat(n)}]}`;
    expect(splitJsonArrayElements(nasty(10), 'data')).toHaveLength(2);
    time(nasty(20_000)); // warm up
    const small = Math.max(time(nasty(100_000)), 0.5);
    const big = time(nasty(800_000));
    expect(big / small).toBeLessThan(30); // 8x the input; quadratic would be ~64x

    // 1024 lines of a realistic size, as one request: well under a millisecond per line.
    const line = JSON.stringify(logFixtures()[0]!.data[0]);
    const body = `{"data":[${Array(1024).fill(line).join(',')}],"log_type":"result","node_key":"k"}`;
    expect(splitJsonArrayElements(body, 'data')).toHaveLength(1024);
    expect(time(body)).toBeLessThan(100);
  });
});
