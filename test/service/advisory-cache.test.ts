import { LocalInvalidationBus } from '../../internal/cache/invalidation-bus';
import { MockClock } from '../../internal/clock/clock';
import type { Datastore, Label, TargetCounts, TargetSelection } from '../../internal/fleet';
import { ADVISORY_COUNTS, AdvisoryCache, type Loader } from '../../service/advisory-cache';
import { PackServiceImpl } from '../../service/packs.service';
import { TargetServiceImpl } from '../../service/targets.service';

const OPTIONS = { freshMs: 3_000, maxAgeMs: 10_000, maxEntries: 3, keep: (n: number) => n >= 100 };

/** A loader answering from `values`, recording every call's keys; `gate` holds it until released. */
function loader(values: Map<string, number>) {
  const calls: string[][] = [];
  let release: (() => void) | undefined;
  let gated = false;
  const load: Loader<string, number> = async (keys) => {
    calls.push([...keys]);
    if (gated) await new Promise<void>((r) => (release = r));
    return new Map(keys.map((k) => [k, values.get(k) ?? 0]));
  };
  return {
    load,
    calls,
    gate: () => (gated = true),
    open: () => {
      gated = false;
      release?.();
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('AdvisoryCache', () => {
  test('keeps only values `keep` accepts; loads the missing keys in one call', async () => {
    const clock = new MockClock();
    const cache = new AdvisoryCache<string, number>(clock, OPTIONS);
    const values = new Map([
      ['big', 500],
      ['small', 5],
    ]);
    const l = loader(values);
    expect(await cache.get(['big', 'small', 'big'], l.load)).toEqual(new Map(values));
    expect(l.calls).toEqual([['big', 'small']]);
    values.set('big', 600).set('small', 6);
    expect(await cache.get(['big', 'small'], l.load)).toEqual(
      new Map([
        ['big', 500],
        ['small', 6],
      ]),
    );
    expect(l.calls).toEqual([['big', 'small'], ['small']]);
  });

  test('a value past freshMs is served while one background load replaces it; past maxAgeMs it is loaded first', async () => {
    const clock = new MockClock();
    const cache = new AdvisoryCache<string, number>(clock, OPTIONS);
    const values = new Map([['k', 100]]);
    const l = loader(values);
    await cache.get(['k'], l.load);
    values.set('k', 200);
    clock.advance(2_999);
    expect((await cache.get(['k'], l.load)).get('k')).toBe(100);
    expect(l.calls).toHaveLength(1);
    clock.advance(1);
    l.gate();
    expect((await cache.get(['k'], l.load)).get('k')).toBe(100);
    expect((await cache.get(['k'], l.load)).get('k')).toBe(100); // one reload at a time
    expect(l.calls).toHaveLength(2);
    l.open();
    await flush();
    expect((await cache.get(['k'], l.load)).get('k')).toBe(200);
    // The reloaded value's age counts from its load's start.
    values.set('k', 300);
    clock.advance(10_000);
    expect((await cache.get(['k'], l.load)).get('k')).toBe(300);
    expect(l.calls).toHaveLength(3);
  });

  test('clear() drops every value, and a load running meanwhile stores nothing', async () => {
    const clock = new MockClock();
    const cache = new AdvisoryCache<string, number>(clock, OPTIONS);
    const values = new Map([['k', 100]]);
    const l = loader(values);
    l.gate();
    const pending = cache.get(['k'], l.load);
    await flush();
    cache.clear();
    l.open();
    expect((await pending).get('k')).toBe(100);
    expect(cache.size).toBe(0);
    await cache.get(['k'], l.load);
    expect(cache.size).toBe(1);
    cache.clear();
    values.set('k', 101);
    expect((await cache.get(['k'], l.load)).get('k')).toBe(101);
  });

  test('a clock moved backwards, and more than maxEntries values, make values unusable', async () => {
    const clock = new MockClock();
    const cache = new AdvisoryCache<string, number>(clock, OPTIONS);
    const l = loader(new Map(['a', 'b', 'c', 'd'].map((k) => [k, 100])));
    await cache.get(['a'], l.load);
    clock.advance(-1);
    await cache.get(['a'], l.load);
    expect(l.calls).toEqual([['a'], ['a']]);
    await cache.get(['b', 'c', 'd'], l.load);
    expect(cache.size).toBe(3);
    await cache.get(['b', 'c', 'd'], l.load);
    await cache.get(['a'], l.load);
    expect(l.calls).toEqual([['a'], ['a'], ['b', 'c', 'd'], ['a']]);
  });

  test('a failed background reload leaves the old value until maxAgeMs', async () => {
    const clock = new MockClock();
    const cache = new AdvisoryCache<string, number>(clock, OPTIONS);
    await cache.get(['k'], async () => new Map([['k', 100]]));
    clock.advance(5_000);
    const failing = jest.fn(async () => {
      throw new Error('db down');
    });
    expect((await cache.get(['k'], failing)).get('k')).toBe(100);
    await flush();
    expect(failing).toHaveBeenCalledTimes(1);
    clock.advance(5_000);
    await expect(cache.get(['k'], failing)).rejects.toThrow('db down');
  });
});

describe('services over the advisory cache', () => {
  const big: TargetCounts = { total: ADVISORY_COUNTS.MIN_CACHED_COUNT, online: 1, offline: 0, mia: 0, new: 0 };
  const allHosts = { id: 6, name: 'All Hosts', label_type: 'builtin' } as Label;

  function fakeStore() {
    const calls = { counts: 0, labelCounts: 0, packStats: 0, packQueryCounts: 0 };
    let members: number = ADVISORY_COUNTS.MIN_CACHED_COUNT;
    const ds = {
      searchHosts: async () => [],
      searchLabels: async () => [],
      labelByName: async () => allHosts,
      countHostsInTargets: async (s: TargetSelection) => {
        calls.counts += 1;
        return s.label_ids.includes(6) ? { ...big } : { total: 1, online: 1, offline: 0, mia: 0, new: 0 };
      },
      labelHostCountsFor: async (ids: number[]) => {
        calls.labelCounts += 1;
        return new Map(ids.map((id) => [id, members]));
      },
      listPacks: async () => [{ id: 1 }, { id: 2 }],
      packTargets: async (ids: number[]) => new Map(ids.map((id) => [id, { host_ids: [], label_ids: [] }])),
      packStats: async (ids: number[]) => {
        calls.packStats += 1;
        return new Map(ids.map((id) => [id, { query_count: -1, total_hosts_count: id === 1 ? members : 5 }]));
      },
      packQueryCounts: async (ids: number[]) => {
        calls.packQueryCounts += 1;
        return new Map(ids.map((id) => [id, id * 10]));
      },
    };
    return { ds: ds as unknown as Datastore, calls, setMembers: (n: number) => (members = n) };
  }

  test('targets: large selection and label counts are reused until a write event or maxAgeMs; small ones are exact', async () => {
    const clock = new MockClock();
    const bus = new LocalInvalidationBus();
    const { ds, calls, setMembers } = fakeStore();
    const svc = new TargetServiceImpl(ds, clock, bus);
    const all = { host_ids: [3, 1, 2], label_ids: [6] };
    const first = await svc.searchTargets('', all);
    expect(first.counts).toEqual(big);
    expect(first.labels).toEqual([]); // All Hosts is selected
    await svc.searchTargets('', { host_ids: [2, 1, 3, 3], label_ids: [6] });
    expect(calls.counts).toBe(1);
    await svc.searchTargets('', { host_ids: [1], label_ids: [] });
    await svc.searchTargets('', { host_ids: [1], label_ids: [] });
    expect(calls.counts).toBe(3);
    expect((await svc.searchTargets('', { host_ids: [], label_ids: [] })).labels).toEqual([{ label: allHosts, host_count: big.total }]);
    setMembers(7);
    expect((await svc.searchTargets('', { host_ids: [], label_ids: [] })).labels[0]!.host_count).toBe(big.total);
    expect(calls.labelCounts).toBe(1);
    bus.publish({ kind: 'labels-changed' });
    expect((await svc.searchTargets('', { host_ids: [], label_ids: [] })).labels[0]!.host_count).toBe(7);
    expect((await svc.searchTargets('', { host_ids: [], label_ids: [] })).labels[0]!.host_count).toBe(7);
    expect(calls.labelCounts).toBe(3);
    // The event dropped the selection's counts too; then they last until maxAgeMs.
    const before = calls.counts;
    await svc.searchTargets('', all);
    clock.advance(ADVISORY_COUNTS.FRESH_MS - 1);
    await svc.searchTargets('', all);
    expect(calls.counts).toBe(before + 1);
    clock.advance(ADVISORY_COUNTS.MAX_AGE_MS);
    await svc.searchTargets('', all);
    expect(calls.counts).toBe(before + 2);
  });

  test('packs: a large total_hosts_count is reused (until a pack write), query_count is always read', async () => {
    const clock = new MockClock();
    const bus = new LocalInvalidationBus();
    const { ds, calls, setMembers } = fakeStore();
    const svc = new PackServiceImpl(ds, bus, clock);
    const stats = async () => (await svc.listPacks({ page: 0, orderDirection: 'asc' })).map((v) => v.stats);
    const expected = [
      { query_count: 10, total_hosts_count: ADVISORY_COUNTS.MIN_CACHED_COUNT },
      { query_count: 20, total_hosts_count: 5 },
    ];
    expect(await stats()).toEqual(expected);
    setMembers(3);
    expect(await stats()).toEqual(expected);
    expect([calls.packStats, calls.packQueryCounts]).toEqual([2, 2]);
    bus.publish({ kind: 'agent-config-changed' });
    expect(await stats()).toEqual([{ query_count: 10, total_hosts_count: 3 }, expected[1]]);
  });
});
