// DatastorePackSource on a fake store: what is cached, when it is dropped, and how loads
// that overlap a change are handled. The end-to-end behaviour is in config-packs.test.ts.
import { LocalInvalidationBus, type InvalidationBus } from '../../internal/cache/invalidation-bus';
import type { AgentHost, Datastore, Label, Pack, PackTargets, PackWithQueries, ScheduledQuery } from '../../internal/fleet';
import { DatastorePackSource, PackIndex } from '../../service/osquery';
import { packConfig, scheduledQueryConfig } from '../../service/osquery/pack-source';

type Row = PackWithQueries & { targets: PackTargets };
const T0 = new Date('2026-01-01T00:00:00Z');

function pack(id: number, fields: Partial<Pack> = {}): Pack {
  return { id, created_at: T0, updated_at: T0, name: `pack${id}`, description: '', platform: '', disabled: false, ...fields };
}

function sq(id: number, packId: number, fields: Partial<ScheduledQuery> = {}): ScheduledQuery {
  return {
    id,
    created_at: T0,
    updated_at: T0,
    pack_id: packId,
    name: `q${id}`,
    query_id: id,
    query_name: `q${id}`,
    query: `select ${id}`,
    description: '',
    interval: 60,
    snapshot: null,
    removed: null,
    platform: null,
    version: null,
    shard: null,
    denylist: null,
    ...fields,
  };
}

function row(id: number, targets: Partial<PackTargets>, fields: Partial<Pack> = {}, queries = [sq(id * 10, id)]): Row {
  return { pack: pack(id, fields), queries, targets: { host_ids: [], label_ids: [], ...targets } };
}

function host(id: number): AgentHost {
  return { id, hostname: `h${id}`, platform: 'ubuntu', detailUpdatedAt: 0, labelUpdatedAt: 0, distributedInterval: 0, configTlsRefresh: 0, loggerTlsPeriod: 0 };
}

/** A fake store: packs and memberships in plain structures, every call counted. */
function fakeStore() {
  const state = { rows: [] as Row[], members: new Map<number, number[]>() };
  const calls: string[] = [];
  let gate: Promise<void> | null = null;
  const ds = {
    async allPacksForAgents() {
      calls.push('allPacksForAgents');
      return state.rows;
    },
    async labelsForHost(hostId: number) {
      calls.push('labelsForHost');
      const ids = [...(state.members.get(hostId) ?? [])];
      if (gate) await gate;
      return ids.map((id) => ({ id }) as Label);
    },
  } as unknown as Datastore;
  return {
    ds,
    state,
    calls,
    /** Holds labelsForHost answers (already read) until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

/** Two instances' buses: publish reaches both, publishToOthers only the other one. */
function linkedBuses(): [InvalidationBus, InvalidationBus] {
  const locals = [new LocalInvalidationBus(), new LocalInvalidationBus()] as const;
  const bus = (self: 0 | 1): InvalidationBus => ({
    publish: (e) => {
      locals[self].publish(e);
      locals[1 - self]!.publish(e);
    },
    publishToOthers: (e) => locals[1 - self]!.publish(e),
    subscribe: (l) => locals[self].subscribe(l),
  });
  return [bus(0), bus(1)];
}

function setup() {
  const store = fakeStore();
  const bus = new LocalInvalidationBus();
  const source = new DatastorePackSource(store.ds, bus, { maxHosts: 3 });
  return { ...store, bus, source, packs: async (id: number) => source.packsForHost(host(id)) };
}

describe('scheduled query and pack shapes (spec §6)', () => {
  it('emits query and interval always; the rest only when set; snapshot only when true', () => {
    expect(scheduledQueryConfig(sq(1, 1))).toEqual({ query: 'select 1', interval: 60 });
    expect(scheduledQueryConfig(sq(1, 1, { snapshot: false, removed: false, platform: '', version: '', shard: 0, denylist: false }))).toEqual({
      query: 'select 1',
      interval: 60,
      platform: '',
      version: '',
      removed: false,
      shard: 0,
      denylist: false,
    });
    const all = scheduledQueryConfig(sq(1, 1, { snapshot: true, removed: true, platform: 'darwin', version: '4.0.0', shard: 10, denylist: true }));
    expect(Object.entries(all)).toEqual([
      ['query', 'select 1'],
      ['interval', 60],
      ['platform', 'darwin'],
      ['version', '4.0.0'],
      ['snapshot', true],
      ['removed', true],
      ['shard', 10],
      ['denylist', true],
    ]);
  });

  it('pack platform only when non-empty; queries by scheduled name in id order', () => {
    expect(packConfig({ pack: pack(1), queries: [] })).toEqual({ queries: {} });
    const p = packConfig({ pack: pack(1, { platform: 'darwin' }), queries: [sq(3, 1, { name: 'b' }), sq(2, 1, { name: 'a' })] });
    expect(p).toEqual({ platform: 'darwin', queries: { a: { query: 'select 2', interval: 60 }, b: { query: 'select 3', interval: 60 } } });
    expect(Object.keys(p.queries as object)).toEqual(['a', 'b']);
  });
});

describe('PackIndex', () => {
  const index = new PackIndex([
    row(1, { host_ids: [7] }),
    row(2, { label_ids: [6] }),
    row(3, { label_ids: [6, 8], host_ids: [7] }),
    row(4, { host_ids: [7], label_ids: [6] }, { disabled: true }),
  ]);

  it('unions direct and label targets, skips disabled packs, and shares one object per set', () => {
    const a = index.packsFor(7, [6, 8]);
    expect(Object.keys(a!)).toEqual(['pack1', 'pack2', 'pack3']);
    expect(index.packsFor(7, [8, 6])).toBe(a);
    expect(Object.keys(index.packsFor(9, [6])!)).toEqual(['pack2', 'pack3']);
    expect(index.packsFor(9, [8])).toEqual({ pack3: expect.anything() });
    expect(index.packsFor(9, [42])).toBeNull();
    expect(index.packsFor(9, [])).toBeNull();
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('DatastorePackSource', () => {
  it('answers repeated fetches from memory and reloads packs on agent-config-changed', async () => {
    const t = setup();
    t.state.rows = [row(1, { label_ids: [6] })];
    t.state.members.set(1, [6]);
    const first = await t.packs(1);
    expect(Object.keys(first!)).toEqual(['pack1']);
    expect(t.calls).toEqual(['allPacksForAgents', 'labelsForHost']);
    t.calls.length = 0;
    const again = t.source.packsForHost(host(1));
    expect(again).toBe(first); // synchronous: no promise on the fast path
    expect(t.calls).toEqual([]);

    t.state.rows = [row(1, { label_ids: [6] }, { name: 'renamed' })];
    t.bus.publish({ kind: 'agent-config-changed' });
    expect(Object.keys((await t.packs(1))!)).toEqual(['renamed']);
    expect(t.calls).toEqual(['allPacksForAgents']); // memberships kept
  });

  it('does not load memberships when no pack targets a label', async () => {
    const t = setup();
    t.state.rows = [row(1, { host_ids: [1] })];
    expect(Object.keys((await t.packs(1))!)).toEqual(['pack1']);
    expect(await t.packs(2)).toBeNull();
    expect(t.calls).toEqual(['allPacksForAgents']);
  });

  it('applies committed label results without a reload; labels-changed and host-changed drop memberships', async () => {
    const t = setup();
    t.state.rows = [row(1, { label_ids: [20] }), row(2, { label_ids: [21] })];
    t.state.members.set(1, [6]);
    expect(await t.packs(1)).toBeNull();
    t.source.labelResultsWritten(1, [
      [20, true],
      [6, false],
    ]);
    t.calls.length = 0;
    expect(Object.keys((await t.packs(1))!)).toEqual(['pack1']);
    t.source.labelResultsWritten(1, [
      [20, false],
      [21, true],
    ]);
    expect(Object.keys((await t.packs(1))!)).toEqual(['pack2']);
    expect(t.calls).toEqual([]);

    t.state.members.set(1, [20, 21]);
    t.bus.publish({ kind: 'labels-changed' });
    expect(Object.keys((await t.packs(1))!)).toEqual(['pack1', 'pack2']);
    t.state.members.set(1, []);
    t.bus.publish({ kind: 'host-changed', hostId: 1 });
    expect(await t.packs(1)).toBeNull();
    expect(t.calls).toEqual(['labelsForHost', 'labelsForHost']);
  });

  it("tells other instances when a host's memberships changed, so they reload that host only", async () => {
    // Two instances whose buses are linked (what Redis gives them), over the same store.
    const store = fakeStore();
    const [busA, busB] = linkedBuses();
    const a = new DatastorePackSource(store.ds, busA, { maxHosts: 10 });
    const b = new DatastorePackSource(store.ds, busB, { maxHosts: 10 });
    const events: string[] = [];
    busB.subscribe((e) => events.push(e.kind === 'host-labels-changed' ? `${e.kind} ${e.hostId}` : e.kind));
    store.state.rows = [row(1, { label_ids: [20] })];
    store.state.members.set(1, []);
    store.state.members.set(2, []);
    for (const src of [a, b]) {
      expect(await src.packsForHost(host(1))).toBeNull();
      expect(await src.packsForHost(host(2))).toBeNull();
    }
    store.calls.length = 0;

    // Host 1 answers its label query on A: the store now says member (A's write committed it).
    store.state.members.set(1, [20]);
    a.labelResultsWritten(1, [[20, true]]);
    expect(events).toEqual(['host-labels-changed 1']);
    expect(Object.keys((await a.packsForHost(host(1)))!)).toEqual(['pack1']);
    expect(store.calls).toEqual([]); // A applied its own results
    expect(Object.keys((await b.packsForHost(host(1)))!)).toEqual(['pack1']);
    expect(await b.packsForHost(host(2))).toBeNull();
    expect(store.calls).toEqual(['labelsForHost']); // B reloaded host 1 only

    // Answers that change nothing are not announced.
    a.labelResultsWritten(1, [[20, true]]);
    expect(events).toEqual(['host-labels-changed 1']);
    a.close();
    b.close();
  });

  it('a membership load that overlaps a change is used once but not kept; concurrent misses share it', async () => {
    const t = setup();
    t.state.rows = [row(1, { label_ids: [20] })];
    await t.packs(99); // load the index
    t.calls.length = 0;
    const release = t.hold();
    const a = t.packs(1);
    const b = t.packs(1);
    await Promise.resolve();
    t.source.labelResultsWritten(1, [[20, true]]); // committed while the read was in flight
    t.state.members.set(1, [20]);
    release();
    expect(await a).toBeNull(); // what the overlapping read saw
    expect(await b).toBeNull();
    expect(t.calls).toEqual(['labelsForHost']);
    expect(Object.keys((await t.packs(1))!)).toEqual(['pack1']); // not kept: loaded again
    expect(t.calls).toEqual(['labelsForHost', 'labelsForHost']);
  });

  it('keeps at most maxHosts memberships (least recently used evicted)', async () => {
    const t = setup();
    t.state.rows = [row(1, { label_ids: [6] })];
    for (const id of [1, 2, 3]) t.state.members.set(id, [6]);
    for (const id of [1, 2, 3]) await t.packs(id);
    await t.packs(1); // 1 is now the most recent
    await t.packs(4); // evicts 2
    expect(t.source.cachedHosts).toBe(3);
    t.calls.length = 0;
    await t.packs(1);
    await t.packs(3);
    expect(t.calls).toEqual([]);
    await t.packs(2);
    expect(t.calls).toEqual(['labelsForHost']);
  });

  it('a failed pack load is not cached and is retried', async () => {
    const t = setup();
    let fail = true;
    (t.ds as { allPacksForAgents: () => Promise<Row[]> }).allPacksForAgents = async () => {
      if (fail) throw new Error('db down');
      return [row(1, { host_ids: [1] })];
    };
    await expect(t.packs(1)).rejects.toThrow('db down');
    fail = false;
    expect(Object.keys((await t.packs(1))!)).toEqual(['pack1']);
  });
});
