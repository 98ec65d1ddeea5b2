import { InvalidArgumentError, type PackSpecInput, type PackSpecQueryInput } from '../../internal/fleet';
import { checkPackSpecReferences, checkPackSpecs } from '../../service/pack-specs';
import { ATTACH_REASON, attachesDatabase, checkNewQuery, checkQueryPatch, checkQuerySpecs } from '../../service/query-validation';
import {
  INTERVAL_REASON,
  PLATFORM_REASON,
  SHARD_REASON,
  VERSION_REASON,
  checkScheduleOptions,
  validPlatform,
  validVersion,
} from '../../service/schedule-validation';
import { targetSearchTerms } from '../../service/target-search';

/** The reasons a check threw (or [] when it passed). */
function reasons(fn: () => void): Array<{ name: string; reason: string }> {
  try {
    fn();
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return (err as InvalidArgumentError).reasons;
  }
}

async function asyncReasons(p: Promise<unknown>): Promise<Array<{ name: string; reason: string }>> {
  try {
    await p;
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return (err as InvalidArgumentError).reasons;
  }
}

describe('ATTACH guard', () => {
  test.each([
    "ATTACH DATABASE '/tmp/x' AS x;",
    "attach '/etc/x' as y",
    "select 1; AtTaCh\t'/x'\tAs\tz;",
    "ATTACH '/x'\n\nAS y", // Fleet's Go regexp missed this: `.` did not cross newlines
    "attach/**/'/x'/**/as/**/y",
    "ATTACH '/x' AS",
  ])('refuses %j', (sql) => {
    expect(attachesDatabase(sql)).toBe(true);
  });

  test.each([
    'select * from osquery_info;',
    'select attached_at as t from x;',
    'select * from processes where name = "attach";',
    "select 1 as attachment;",
    'SELECT detach AS d',
  ])('allows %j', (sql) => {
    expect(attachesDatabase(sql)).toBe(false);
  });
});

describe('query checks', () => {
  test('a new query needs a name and SQL, neither empty, without ATTACH', () => {
    expect(reasons(() => checkNewQuery({ name: 'a', query: 'select 1' }))).toEqual([]);
    expect(reasons(() => checkNewQuery({}))).toEqual([
      { name: 'name', reason: 'missing required argument' },
      { name: 'query', reason: 'missing required argument' },
    ]);
    expect(reasons(() => checkNewQuery({ name: '', query: '' }))).toEqual([
      { name: 'name', reason: 'cannot be empty' },
      { name: 'query', reason: 'cannot be empty' },
    ]);
    expect(reasons(() => checkNewQuery({ name: 'a', query: "attach 'x' as y" }))).toEqual([{ name: 'query', reason: ATTACH_REASON }]);
  });

  test('a patch may leave fields out but not empty them', () => {
    expect(reasons(() => checkQueryPatch({}))).toEqual([]);
    expect(reasons(() => checkQueryPatch({ name: '' }))).toEqual([{ name: 'name', reason: 'cannot be empty' }]);
    expect(reasons(() => checkQueryPatch({ query: '' }))).toEqual([{ name: 'query', reason: 'cannot be empty' }]);
    expect(reasons(() => checkQueryPatch({ query: "attach 'x' as y" }))).toEqual([{ name: 'query', reason: ATTACH_REASON }]);
  });

  test('query specs: every failure of the batch, duplicate names case-insensitively', () => {
    const ok = { name: 'a', description: '', query: 'select 1' };
    expect(reasons(() => checkQuerySpecs([ok, { ...ok, name: 'b' }]))).toEqual([]);
    expect(reasons(() => checkQuerySpecs([]))).toEqual([]);
    expect(
      reasons(() =>
        checkQuerySpecs([
          ok,
          { name: '', description: '', query: '' },
          { name: 'A', description: '', query: "ATTACH 'x' AS y" },
        ]),
      ),
    ).toEqual([
      { name: 'specs.1.name', reason: 'query name must not be empty' },
      { name: 'specs.1.query', reason: 'query must not be empty' },
      { name: 'specs.2.name', reason: "duplicate query name 'A' (also specs.0)" },
      { name: 'specs.2.query', reason: ATTACH_REASON },
    ]);
  });
});

describe('schedule options', () => {
  const check = (opts: Parameters<typeof checkScheduleOptions>[1]) => {
    const invalid = new InvalidArgumentError();
    checkScheduleOptions(invalid, opts);
    return invalid.reasons;
  };

  test('interval is an integer from 1 to 604800', () => {
    for (const interval of [1, 60, 86_400, 604_800]) expect(check({ interval })).toEqual([]);
    for (const interval of [0, -1, 1.5, 604_801, 1e300, Number.NaN]) {
      expect(check({ interval })).toEqual([{ name: 'interval', reason: INTERVAL_REASON }]);
    }
  });

  test('shard is an integer from 0 to 100 (null = unset)', () => {
    for (const shard of [0, 1, 50, 100, null]) expect(check({ shard })).toEqual([]);
    for (const shard of [-1, 101, 2.5]) expect(check({ shard })).toEqual([{ name: 'shard', reason: SHARD_REASON }]);
  });

  test('platform: empty or a comma-separated list of lowercase platform names', () => {
    for (const p of ['', 'darwin', 'linux,windows', 'darwin, linux', 'all', 'any', 'posix,freebsd', 'ubuntu,centos', 'gentoo', 'darwin,gentoo']) {
      expect(validPlatform(p)).toBe(true);
    }
    for (const p of ['Linux', 'darwin,', ',', 'darwin;linux', 'mac os', "linux'", '1linux']) expect(validPlatform(p)).toBe(false);
    expect(check({ platform: 'be os' })).toEqual([{ name: 'platform', reason: PLATFORM_REASON }]);
    expect(check({ platform: null })).toEqual([]);
  });

  test('version: empty or dotted numbers like 4.6.0', () => {
    for (const v of ['', '4', '4.6', '4.6.0', '1.7.3.1']) expect(validVersion(v)).toBe(true);
    for (const v of ['v4.6.0', '4.6.0-rc1', '4..6', '4.6.0.1.2', 'latest', '1'.repeat(40)]) expect(validVersion(v)).toBe(false);
    expect(check({ version: 'x' })).toEqual([{ name: 'version', reason: VERSION_REASON }]);
  });

  test('field names carry the caller’s prefix; all failures are reported', () => {
    const invalid = new InvalidArgumentError();
    checkScheduleOptions(invalid, { interval: 0, shard: 200, platform: 'X', version: 'y' }, (f) => `q.${f}`);
    expect(invalid.reasons.map((r) => r.name)).toEqual(['q.interval', 'q.shard', 'q.platform', 'q.version']);
  });
});

describe('pack specs', () => {
  const q = (fields: Partial<PackSpecQueryInput> = {}): PackSpecQueryInput => ({
    query: 'q1',
    name: fields.query ?? 'q1',
    description: '',
    interval: 60,
    ...fields,
  });
  const spec = (fields: Partial<PackSpecInput> = {}): PackSpecInput => ({
    name: 'p',
    description: '',
    platform: '',
    disabled: false,
    targets: { labels: [] },
    queries: [],
    ...fields,
  });

  test('a valid batch passes', () => {
    expect(reasons(() => checkPackSpecs([spec({ queries: [q(), q({ name: 'other' })], targets: { labels: ['All Hosts'] } })]))).toEqual([]);
  });

  test('names, duplicates, query fields and options are all reported', () => {
    expect(
      reasons(() =>
        checkPackSpecs([
          spec({ name: '' }),
          spec({
            name: 'P2',
            targets: { labels: ['', 'x'] },
            queries: [q(), q({ query: '', name: 'Q1', interval: 0, shard: 101, platform: 'mac os', version: 'v1' })],
          }),
          spec({ name: 'p2' }),
        ]),
      ),
    ).toEqual([
      { name: 'specs.0.name', reason: 'pack name must not be empty' },
      { name: 'specs.1.targets.labels.0', reason: 'label name must not be empty' },
      { name: 'specs.1.queries.1.query', reason: 'query must not be empty' },
      { name: 'specs.1.queries.1.name', reason: "duplicate scheduled query name 'Q1' in pack 'P2' (also queries.0)" },
      { name: 'specs.1.queries.1.interval', reason: INTERVAL_REASON },
      { name: 'specs.1.queries.1.shard', reason: SHARD_REASON },
      { name: 'specs.1.queries.1.platform', reason: PLATFORM_REASON },
      { name: 'specs.1.queries.1.version', reason: VERSION_REASON },
      { name: 'specs.2.name', reason: "duplicate pack name 'p2' (also specs.1)" },
    ]);
  });

  test('unknown queries and labels are named with Fleet’s texts; each name is looked up once', async () => {
    const looked: string[] = [];
    const exists = {
      query: async (n: string) => (looked.push(`q:${n}`), n.toLowerCase() === 'known'),
      label: async (n: string) => (looked.push(`l:${n}`), n === 'All Hosts'),
    };
    const specs = [
      spec({ name: 'a', targets: { labels: ['All Hosts', 'nope'] }, queries: [q({ query: 'known' }), q({ query: 'missing', name: 'm' })] }),
      spec({ name: 'b', queries: [q({ query: 'KNOWN', name: 'k' }), q({ query: 'missing', name: 'm2' })] }),
    ];
    expect(await asyncReasons(checkPackSpecReferences(specs, exists))).toEqual([
      { name: 'specs.0.targets.labels.1', reason: "applying pack 'a': unknown label 'nope'" },
      { name: 'specs.0.queries.1.query', reason: "applying pack 'a': cannot schedule unknown query 'missing'" },
      { name: 'specs.1.queries.1.query', reason: "applying pack 'b': cannot schedule unknown query 'missing'" },
    ]);
    expect(looked.sort()).toEqual(['l:All Hosts', 'l:nope', 'q:known', 'q:missing']);
    expect(await asyncReasons(checkPackSpecReferences([spec({ queries: [q({ query: 'known' })] })], exists))).toEqual([]);
  });
});

describe('target search text', () => {
  test.each([
    ['', []],
    ['   ', []],
    ['a', []],
    ['a b', []],
    ['--+', []],
    ['-a-', []],
  ])('%j shows the defaults', (query, terms) => {
    expect(targetSearchTerms(query).terms).toEqual(terms);
  });

  test.each([
    ['ab', ['ab']],
    ['a bb', ['a', 'bb']],
    ['web-01', ['web', '01']],
    ['foo++bar', ['foo', 'bar']],
    ['  2ce  ', ['2ce']],
    ['10.0.0.1', ['10.0.0.1']],
  ])('%j searches %j', (query, terms) => {
    expect(targetSearchTerms(query).terms).toEqual(terms);
  });

  test('the raw text (trimmed) is kept for the exact IP/MAC match', () => {
    expect(targetSearchTerms(' 10.0.0.1 ')).toEqual({ terms: ['10.0.0.1'], raw: '10.0.0.1' });
    expect(targetSearchTerms('aa:bb-cc').raw).toBe('aa:bb-cc');
  });
});
