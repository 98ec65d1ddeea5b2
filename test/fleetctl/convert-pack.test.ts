// `fleetctl convert`: osquery pack files → a Fleet pack spec and its query specs
// (spec rest-api.md §16.3), on hand-written packs and on osquery's own packs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertPack, parsePackJson } from '../../cmd/fleetctl/convert-pack';
import { parseSpecFile, yamlDocuments } from '../../cmd/fleetctl/yaml-docs';

const PACKS = join(__dirname, '..', 'fixtures', 'osquery-packs');
const fixture = (name: string) => readFileSync(join(PACKS, name), 'utf8');

const failure = (text: string): string => {
  try {
    convertPack(text, 'p');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the pack was accepted');
};

describe('one osquery pack', () => {
  const pack = JSON.stringify({
    platform: 'darwin',
    version: '1.4.5',
    shard: 10,
    discovery: ['select 1 from os_version;'],
    queries: {
      first: { query: 'select 1;', interval: 3600, description: 'One', snapshot: true, removed: false, platform: 'posix', version: '2.0.0', shard: '25', value: 'why' },
      second: { query: 'select 2;', interval: '60', denylist: false },
    },
  });

  test('becomes one pack named by the caller, scheduling every query under its own name', () => {
    const { pack: spec } = convertPack(pack, 'incident-response');
    expect(spec).toEqual({
      name: 'incident-response',
      targets: { labels: [] },
      queries: [
        { query: 'first', name: 'first', description: 'One', interval: 3600, snapshot: true, removed: false, shard: 25, platform: 'posix', version: '2.0.0' },
        { query: 'second', name: 'second', description: '', interval: 60, denylist: false },
      ],
    });
  });

  test('pack-level platform, version, shard and discovery are dropped (Fleet targets packs by label)', () => {
    const { pack: spec } = convertPack(pack, 'p');
    expect(Object.keys(spec).sort()).toEqual(['name', 'queries', 'targets']);
  });

  test('and one query spec per query, description only when there is one', () => {
    expect(convertPack(pack, 'p').queries).toEqual([
      { name: 'first', description: 'One', query: 'select 1;' },
      { name: 'second', query: 'select 2;' },
    ]);
  });

  test('intervals and shards are numbers or numeric strings; anything else is refused', () => {
    expect(failure('{"queries": {"q": {"query": "select 1", "interval": "hourly"}}}')).toBe('query "q": interval "hourly" is not a whole number');
    expect(failure('{"queries": {"q": {"query": "select 1", "interval": 1.5}}}')).toBe('query "q": interval 1.5 is not a whole number');
    expect(failure('{"queries": {"q": {"query": "select 1"}}}')).toBe('query "q": interval null is not a whole number');
    expect(failure('{"queries": {"q": {"query": "select 1", "interval": 5, "shard": "x"}}}')).toBe('query "q": shard "x" is not a whole number');
  });

  test('a file that is not a pack says why', () => {
    expect(failure('[1]')).toBe('a pack must be a JSON object');
    expect(failure('{"platform": "darwin"}')).toBe('the pack has no "queries" object');
    expect(failure('{"queries": {"q": {"interval": 5}}}')).toBe('query "q" has no "query" string');
    expect(failure('{\n  "queries": {\n    "q": {"query": "x",}\n  }\n}')).toMatch(/^invalid JSON at line 3: /);
  });
});

describe("osquery's JSON extensions", () => {
  test('a backslash-newline inside a string becomes a newline of the SQL', () => {
    const text = '{"queries": {"q": {"query": "select * from t where \\\n        a = 1 OR \\\n        b = 2;", "interval": 60}}}';
    expect(convertPack(text, 'p').queries[0]!.query).toBe('select * from t where\n        a = 1 OR\n        b = 2;');
  });

  test('whole-line # and // comments are ignored', () => {
    const text = '{\n  # a comment\n  // another\n  "queries": {"q": {"query": "select 1", "interval": 1}}\n}';
    expect(parsePackJson(text)).toEqual({ queries: { q: { query: 'select 1', interval: 1 } } });
  });

  test('osx-attacks.conf (continued lines, string intervals) converts completely', () => {
    const { pack, queries } = convertPack(fixture('osx-attacks.conf'), 'osx-attacks');
    expect(queries.length).toBe(74);
    expect(pack.queries.every((q) => q.interval > 0)).toBe(true);
    const wireLurker = queries.find((q) => q.name === 'WireLurker')!;
    expect(wireLurker.query.split('\n')[0]).toBe('select * from launchd where');
    expect(wireLurker.query).toContain("name = 'com.apple.periodic-dd-mm-yy.plist';");
    expect(wireLurker.query).not.toContain('\\');
  });
});

describe("every pack shipped with osquery", () => {
  const files = readdirSync(PACKS).filter((f) => f.endsWith('.conf'));

  test.each(files)('%s converts into documents that fleetctl apply accepts', (file) => {
    const text = fixture(file);
    const { pack, queries } = convertPack(text, file.replace(/\.conf$/, ''));
    const osquery = parsePackJson(text) as { queries: Record<string, { interval: string | number }> };
    expect(queries.map((q) => q.name)).toEqual(Object.keys(osquery.queries));
    expect(pack.queries.map((q) => q.interval)).toEqual(Object.values(osquery.queries).map((q) => Number(q.interval)));
    const group = parseSpecFile(yamlDocuments([{ kind: 'pack', spec: pack }, ...queries.map((spec) => ({ kind: 'query' as const, spec }))]), file);
    expect(group.packs.map((d) => d.spec)).toEqual([pack]);
    expect(group.queries.map((d) => d.spec)).toEqual(queries);
  });
});
