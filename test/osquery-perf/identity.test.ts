import { parseDuration } from '../../cmd/osquery-perf/duration';
import { assignPlatforms, createIdentity, parsePlatformMix } from '../../cmd/osquery-perf/identity';
import { PLATFORM_NAMES } from '../../cmd/osquery-perf/templates';

const strip = (id: ReturnType<typeof createIdentity>) => {
  const { template: _t, ...rest } = id;
  return rest;
};

describe('identities', () => {
  it('are deterministic for a fixed seed and index', () => {
    for (const p of PLATFORM_NAMES) {
      expect(strip(createIdentity(42, 7, p))).toEqual(strip(createIdentity(42, 7, p)));
    }
  });

  it('differ between seeds and between indexes, without seed+index aliasing', () => {
    const a = createIdentity(42, 7, 'darwin');
    expect(createIdentity(43, 7, 'darwin').uuid).not.toBe(a.uuid);
    expect(createIdentity(42, 8, 'darwin').uuid).not.toBe(a.uuid);
    // A naive Rng(seed + index) would make these two equal.
    expect(createIdentity(43, 6, 'darwin').uuid).not.toBe(a.uuid);
  });

  it('gives unique hostnames and UUIDs to a large fleet', () => {
    const platforms = assignPlatforms(parsePlatformMix('ubuntu:40,centos:20,darwin:30,windows:10'), 5000);
    const ids = platforms.map((p, i) => createIdentity(1, i, p));
    expect(new Set(ids.map((i) => i.hostname)).size).toBe(5000);
    expect(new Set(ids.map((i) => i.uuid)).size).toBe(5000);
  });

  it('keeps network facts self-consistent', () => {
    const id = createIdentity(5, 3, 'ubuntu');
    expect(id.macs[0]).toMatch(/^b0:7b:25(:[0-9a-f]{2}){3}$/);
    expect(id.ipv4).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(id.linkLocal.startsWith('fe80::')).toBe(true);
    expect(id.hardwareSerial).toMatch(/^[0-9A-Z]{7}$/);
    expect(id.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(createIdentity(5, 3, 'darwin').uuid).toMatch(/^[0-9A-F-]{36}$/);
  });
});

describe('platform mix', () => {
  it('parses weights and rejects unknown platforms', () => {
    expect(parsePlatformMix('ubuntu:40, darwin:60')).toEqual([
      { platform: 'ubuntu', weight: 40 },
      { platform: 'darwin', weight: 60 },
    ]);
    expect(parsePlatformMix('windows')).toEqual([{ platform: 'windows', weight: 1 }]);
    expect(() => parsePlatformMix('beos:1')).toThrow(/unknown platform/);
    expect(() => parsePlatformMix('ubuntu:0')).toThrow(/empty/);
  });

  it('assigns exact proportions, interleaved', () => {
    const out = assignPlatforms(parsePlatformMix('ubuntu:40,centos:20,darwin:30,windows:10'), 10);
    const count = (p: string) => out.filter((x) => x === p).length;
    expect([count('ubuntu'), count('centos'), count('darwin'), count('windows')]).toEqual([4, 2, 3, 1]);
    expect(out.slice(0, 3)).not.toEqual(['ubuntu', 'ubuntu', 'ubuntu']);
  });
});

describe('durations', () => {
  it('accepts ms, s, m, h and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('7')).toBe(7000);
    expect(parseDuration(2)).toBe(2000);
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
  });
});
