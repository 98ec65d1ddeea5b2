import { MockClock } from '../../internal/clock/clock';
import type { Host, Label } from '../../internal/fleet';
import { AgentHostCache } from '../../service/osquery/agent-host-cache';
import { CachedValue } from '../../service/osquery/cached-value';
import { intervalValue } from '../../service/osquery/config-builder';
import {
  ingestEnrollDetails,
  ingestNetworkInterface,
  ingestOsqueryFlags,
  ingestOsVersion,
  IngestError,
  parseAgentInt,
  type DetailPatch,
} from '../../service/osquery/detail-queries';
import { LabelIndex } from '../../service/osquery/label-queries';
import { ingestResults } from '../../service/osquery/results';
import { SeenBatcher } from '../../service/osquery/seen-batcher';
import { silentLogger } from '../support/silent-logger';

describe('detail ingest rules', () => {
  it('integers: "" is 0, junk and out-of-range values are errors', () => {
    expect(parseAgentInt('', 'x')).toBe(0);
    expect(parseAgentInt(undefined, 'x')).toBe(0);
    expect(parseAgentInt('42', 'x')).toBe(42);
    expect(parseAgentInt('-3', 'x')).toBe(-3);
    for (const bad of ['4.2', '0x10', 'ten', ' 1', '2147483648']) expect(() => parseAgentInt(bad, 'x')).toThrow(IngestError);
    expect(parseAgentInt('33446428672', 'x', Number.MAX_SAFE_INTEGER)).toBe(33446428672);
  });

  it('network_interface: first usable IPv4, else first usable IPv6, else row 0', () => {
    const run = (rows: Array<Record<string, string>>) => {
      const p: DetailPatch = {};
      ingestNetworkInterface(rows, p);
      return [p.primary_ip, p.primary_mac];
    };
    expect(run([{ address: '2001:db8::7', mac: 'a' }, { address: '10.0.0.1', mac: 'b' }])).toEqual(['10.0.0.1', 'b']);
    expect(run([{ address: '127.0.0.1', mac: 'a' }, { address: 'fe80::1', mac: 'b' }, { address: '2001:db8::7', mac: 'c' }])).toEqual([
      '2001:db8::7',
      'c',
    ]);
    expect(run([{ address: 'fe80::1%en0', mac: 'a' }, { address: '169.254.1.1', mac: 'b' }])).toEqual(['fe80::1%en0', 'a']);
    expect(run([])).toEqual([undefined, undefined]);
  });

  it('os_version: trims dots, CentOS 6 workaround, codename read', () => {
    const p: DetailPatch = {};
    ingestOsVersion([{ name: 'CentOS', major: '6', minor: '', patch: '', platform: '', codename: 'Final' }], p);
    expect(p).toMatchObject({ os_version: 'CentOS 6', platform: 'centos', code_name: 'Final' });
    expect(p).not.toHaveProperty('build');
    const two: DetailPatch = {};
    ingestOsVersion([{ name: 'a' }, { name: 'b' }], two);
    expect(two).toEqual({});
  });

  it('osquery_flags: later-3.x rule for config_tls_refresh', () => {
    const run = (rows: Array<Record<string, string>>) => {
      const p: DetailPatch = {};
      ingestOsqueryFlags(rows, p);
      return p;
    };
    expect(run([{ name: 'config_refresh', value: '60' }])).toEqual({ config_tls_refresh: 60 });
    expect(run([{ name: 'config_tls_refresh', value: '0' }, { name: 'config_refresh', value: '60' }])).toEqual({ config_tls_refresh: 0 });
    expect(run([{ name: 'distributed_interval', value: '10' }])).toEqual({ distributed_interval: 10 });
    expect(() => run([{ name: 'logger_tls_period', value: 'x' }])).toThrow(IngestError);
  });

  it('enroll details: bad values are skipped per table, NULs cut, long texts bounded', () => {
    const p = ingestEnrollDetails({
      system_info: { hostname: 'h', physical_memory: 'lots' },
      osquery_info: { version: '5.0.1\u0000\u0000' },
      os_version: { name: 'x'.repeat(400), major: '1', minor: '2', patch: '3', platform: 'p' },
    });
    expect(p).not.toHaveProperty('hostname');
    expect(p.osquery_version).toBe('5.0.1');
    expect(p.os_version).toHaveLength(255);
  });
});

describe('ingestResults', () => {
  it('is pure: collects details, labels, additional and live rows', () => {
    const r = ingestResults({
      queries: {
        kolide_label_query_6: [{ '1': '1' }],
        fleet_label_query_7: [],
        fleet_additional_query_users: [{ u: 'root\u0000x' }],
        fleet_distributed_query_42: [],
      },
      statuses: { fleet_distributed_query_42: 1 },
      messages: { fleet_distributed_query_42: 'no such table' },
    });
    expect(r.labels).toEqual([
      [6, true],
      [7, false],
    ]);
    expect(r.additional).toEqual({ users: [{ u: 'root' }] });
    expect(r.detailUpdated).toBe(true);
    expect(r.live).toEqual([{ campaignId: 42, rows: [], status: 1, message: 'no such table' }]);
  });
});

function label(id: number, platform: string, changed: number, membership: 'dynamic' | 'manual' = 'dynamic'): Label {
  return {
    id,
    name: `l${id}`,
    description: '',
    query: `select ${id}`,
    platform,
    label_type: 'regular',
    label_membership_type: membership,
    created_at: new Date(changed),
    updated_at: new Date(changed),
  };
}

describe('LabelIndex', () => {
  const idx = new LabelIndex([label(1, '', 100), label(2, 'darwin', 200), label(3, 'ubuntu', 300), label(4, 'darwin', 900, 'manual')]);
  it('filters by platform, dynamic only', () => {
    expect(Object.keys(idx.forPlatform('darwin').queries)).toEqual(['fleet_label_query_1', 'fleet_label_query_2']);
    expect(Object.keys(idx.forPlatform('').queries)).toEqual(['fleet_label_query_1']);
  });
  it('due when stale, or when an applicable label changed since', () => {
    expect(idx.dueFor('darwin', 250, 1000, 500)).not.toBeNull(); // 250 < 1000-500
    expect(idx.dueFor('darwin', 600, 1000, 500)).toBeNull();
    expect(idx.dueFor('darwin', 150, 300, 500)).not.toBeNull(); // label 2 changed at 200 > 150
    expect(idx.dueFor('windows', 150, 300, 500)).toBeNull(); // only label 1 (100) applies
    expect(new LabelIndex([]).dueFor('darwin', 0, 1e12, 1)).toBeNull();
  });
});

function host(id: number): Host {
  return {
    id,
    hostname: `h${id}`,
    platform: 'darwin',
    detail_updated_at: new Date(1),
    label_updated_at: new Date(2),
    distributed_interval: 10,
    config_tls_refresh: 0,
    logger_tls_period: 10,
  } as Host;
}

describe('AgentHostCache', () => {
  it('evicts the least recently used beyond its size', async () => {
    const c = new AgentHostCache({ maxEntries: 2, negativeTtlMs: 0, maxNegativeEntries: 1 });
    c.set('a', { ...(await c.load('x', 0, async () => host(1)))!, id: 1 });
    c.set('b', { ...c.get('x')!, id: 2 });
    c.get('a');
    c.set('c', { ...c.get('a')!, id: 3 });
    expect(c.size).toBe(2);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')?.id).toBe(1);
  });

  it('remembers unknown keys briefly, shares concurrent loads, and does not cache a load raced by a revoke', async () => {
    const c = new AgentHostCache({ maxEntries: 10, negativeTtlMs: 1000, maxNegativeEntries: 2 });
    let calls = 0;
    const none = async () => {
      calls++;
      return null;
    };
    expect(await c.load('k', 0, none)).toBeNull();
    expect(await c.load('k', 500, none)).toBeNull();
    expect(calls).toBe(1);
    expect(await c.load('k', 1500, none)).toBeNull();
    expect(calls).toBe(2);

    let release!: (h: Host) => void;
    const slow = () => new Promise<Host>((r) => (release = r));
    const p1 = c.load('s', 0, slow);
    const p2 = c.load('s', 0, slow);
    c.revoke('other');
    release(host(5));
    expect((await p1)!.id).toBe(5);
    expect((await p2)!.id).toBe(5);
    expect(c.get('s')).toBeUndefined(); // raced by a revocation: not cached
  });

  it('patch replaces the entry; revoke and forgetHost drop it', () => {
    const c = new AgentHostCache();
    const before = { id: 7, hostname: '', platform: '', detailUpdatedAt: 0, labelUpdatedAt: 0, distributedInterval: 0, configTlsRefresh: 0, loggerTlsPeriod: 0 };
    c.set('k', before);
    c.patch(7, { platform: 'darwin' });
    expect(c.get('k')!.platform).toBe('darwin');
    expect(before.platform).toBe('');
    c.forgetHost(7);
    expect(c.get('k')).toBeUndefined();
    c.set('k', before);
    c.revoke('k');
    expect(c.byId(7)).toBeUndefined();
  });
});

describe('SeenBatcher', () => {
  it('one write per flush with each host once; failed writes are retried', async () => {
    const writes: Array<[number[], Date]> = [];
    let fail = true;
    const store = {
      markHostsSeen: async (ids: number[], at: Date) => {
        if (fail) {
          fail = false;
          throw new Error('down');
        }
        writes.push([ids, at]);
      },
    };
    const clock = new MockClock(new Date('2021-03-01T00:00:00Z'));
    const b = new SeenBatcher(store, clock, silentLogger, 0);
    b.mark(1);
    b.mark(2);
    b.mark(1);
    await b.flush();
    expect(writes).toEqual([]);
    expect(b.pendingCount).toBe(2);
    b.mark(3);
    await b.close();
    expect(writes).toEqual([[[1, 2, 3], clock.now()]]);
  });
});

describe('small helpers', () => {
  it('intervalValue accepts numbers and numeric strings', () => {
    expect(intervalValue(10)).toBe(10);
    expect(intervalValue('15')).toBe(15);
    expect(intervalValue(-1)).toBeUndefined();
    expect(intervalValue('x')).toBeUndefined();
    expect(intervalValue(1.5)).toBeUndefined();
  });

  it('CachedValue drops a load that an invalidation overtook', async () => {
    let n = 0;
    let release!: () => void;
    const v = new CachedValue(async () => {
      const mine = ++n;
      if (mine === 1) await new Promise<void>((r) => (release = r));
      return mine;
    });
    const first = v.get();
    v.invalidate();
    release();
    expect(await first).toBe(1);
    expect(v.peek()).toBeUndefined();
    expect(await v.get()).toBe(2);
    expect(v.peek()).toBe(2);
  });
});
