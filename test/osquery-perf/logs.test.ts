import { createIdentity } from '../../cmd/osquery-perf/identity';
import { calendarTime, eventLines, LogBuffer, snapshotLine, statusLine, versionAtLeast, type LineContext } from '../../cmd/osquery-perf/logs';
import { Rng } from '../../cmd/osquery-perf/rng';
import { TlsLogger } from '../../cmd/osquery-perf/tls-logger';
import { reconcileSchedule, scheduledQueriesFromConfig, ScheduledQueryState, platformMatches } from '../../cmd/osquery-perf/schedule';
import { describeWithFixtures, fixture, pack } from './fixtures';

const ctx = (version: string, decorationsTopLevel = false): LineContext => ({
  hostIdentifier: 'host-1',
  osqueryVersion: version,
  decorations: { host_uuid: 'U-1', hostname: 'host-1' },
  decorationsTopLevel,
});
const at = new Date(Date.UTC(2021, 2, 1, 9, 58, 5));

describe('log line shapes', () => {
  it('formats calendarTime like asctime + UTC', () => {
    expect(calendarTime(at)).toBe('Mon Mar  1 09:58:05 2021 UTC');
    expect(calendarTime(new Date(Date.UTC(2024, 4, 14, 8, 31, 21)))).toBe('Tue May 14 08:31:21 2024 UTC');
  });

  it('compares versions', () => {
    expect(versionAtLeast('5.12.1', '5.10.0')).toBe(true);
    expect(versionAtLeast('4.6.0', '5.8.0')).toBe(false);
    expect(versionAtLeast('5.8.0', '5.8.0')).toBe(true);
  });

  describeWithFixtures('against fixtures', () => {
    it('status lines: strings before 5.10, numbers after, same key order', () => {
      const old = statusLine({ severity: 0, filename: 'config.cpp', line: 325, message: 'm' }, at, ctx('4.6.0'));
      const want4 = fixture('log-status-osquery4.json').data[1];
      expect(Object.keys(old)).toEqual(Object.keys(want4));
      for (const k of ['unixTime', 'severity', 'line']) expect(typeof old[k]).toBe('string');
      const neu = statusLine({ severity: 2, filename: 'distributed.cpp', line: 187, message: 'm' }, at, ctx('5.12.1'));
      const want5 = fixture('log-status-osquery5.json').data[3];
      expect(Object.keys(neu)).toEqual(Object.keys(want5));
      for (const k of ['unixTime', 'severity', 'line']) expect(typeof neu[k]).toBe(typeof want5[k]);
    });

    it('event lines: fixture key order, removed before added, sorted columns', () => {
      const want = fixture('log-result-event.json').data[3];
      const lines = eventLines({ name: 'pack/p/q', counter: 12, now: at }, [{ b: '1', a: '2' }], [{ a: '3', b: '4' }], ctx('4.6.0'));
      expect(lines.map((l) => l.action)).toEqual(['removed', 'added']);
      expect(Object.keys(lines[0]!)).toEqual(Object.keys(want));
      expect(Object.keys(lines[0]!.columns as object)).toEqual(['a', 'b']);
      expect(lines[0]).toMatchObject({ name: 'pack/p/q', hostIdentifier: 'host-1', unixTime: 1614592685, epoch: 0, counter: 12, numerics: false });
    });

    it('snapshot lines: fixture key order, counter 0', () => {
      const want = fixture('log-result-snapshot.json').data[0];
      const line = snapshotLine({ name: 'pack/p/s', counter: 7, now: at }, [{ x: '1' }], ctx('5.12.1'));
      expect(Object.keys(line)).toEqual(Object.keys(want));
      expect(line).toMatchObject({ action: 'snapshot', counter: 0, snapshot: [{ x: '1' }] });
    });

    it('decorations_top_level flattens decorations like the fixture', () => {
      const want = fixture('log-result-decorations-top-level.json').data[0];
      const [line] = eventLines({ name: 'pack/p/q', counter: 1, now: at }, [], [{ a: '1' }], ctx('4.5.1', true));
      expect(Object.keys(line!)).toEqual(Object.keys(want));
    });
  });
});

describe('LogBuffer', () => {
  it('keeps lines until acknowledged and sends oldest first', () => {
    const buf = new LogBuffer(100);
    buf.push('result', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const batch = buf.take('result', 2);
    expect(batch.lines).toEqual([{ n: 1 }, { n: 2 }]);
    buf.push('result', [{ n: 4 }]);
    expect(buf.size('result')).toBe(4); // a failed send loses nothing
    buf.ack(batch);
    expect(buf.take('result', 10).lines).toEqual([{ n: 3 }, { n: 4 }]);
  });

  it('purges the oldest lines beyond its cap and does not double-remove them', () => {
    const dropped: number[] = [];
    const buf = new LogBuffer(3, (n) => dropped.push(n));
    buf.push('result', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const batch = buf.take('result', 2); // n1, n2 in flight
    buf.push('result', [{ n: 4 }, { n: 5 }]); // purges n1, n2
    expect(dropped).toEqual([2]);
    buf.ack(batch);
    expect(buf.take('result', 10).lines).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
  });
});

describe('schedule from config packs', () => {
  const id = createIdentity(1, 0, 'ubuntu');

  it('reads packs.<pack>.queries with string intervals and honours platform filters', () => {
    const config = {
      packs: {
        p1: { queries: { q1: { query: 'select * from crontab', interval: '60' }, mac: { query: 'select 1', interval: 10, platform: 'darwin' } } },
        p2: { platform: 'windows', queries: { w: { query: 'select 1', interval: 5 } } },
        p3: { queries: { snap: { query: 'select * from users', interval: 30, snapshot: true, removed: false }, bad: { interval: 5 } } },
      },
    };
    expect(scheduledQueriesFromConfig(config, 'ubuntu')).toEqual([
      { name: 'pack/p1/q1', sql: 'select * from crontab', intervalSeconds: 60, snapshot: false, removed: true },
      { name: 'pack/p3/snap', sql: 'select * from users', intervalSeconds: 30, snapshot: true, removed: false },
    ]);
    expect(scheduledQueriesFromConfig(config, 'darwin').map((q) => q.name)).toContain('pack/p1/mac');
    expect(scheduledQueriesFromConfig({}, 'ubuntu')).toEqual([]);
    expect(platformMatches('posix', 'darwin')).toBe(true);
    expect(platformMatches('linux,windows', 'centos')).toBe(true);
    expect(platformMatches('darwin', 'windows')).toBe(false);
  });

  describeWithFixtures('with real osquery packs', () => {
    it('selects the platform subset of incident-response', () => {
      const config = { packs: { 'incident-response': pack('incident-response.conf') } };
      const linux = scheduledQueriesFromConfig(config, 'ubuntu').map((q) => q.name);
      const mac = scheduledQueriesFromConfig(config, 'darwin').map((q) => q.name);
      expect(linux).toContain('pack/incident-response/crontab');
      expect(linux).not.toContain('pack/incident-response/launchd');
      expect(mac).toContain('pack/incident-response/launchd');
    });
  });

  it('first run adds every row (counter 0); later runs log only changes', () => {
    const state = new ScheduledQueryState({ name: 'pack/p/q', sql: 'select pid, name from processes', intervalSeconds: 1, snapshot: false, removed: true }, 0);
    const rng = new Rng(3);
    const first = state.run(at, rng, id, ctx('4.6.0'), 3);
    expect(first).toHaveLength(3);
    expect(first.every((l) => l.action === 'added' && l.counter === 0)).toBe(true);
    expect(Object.keys(first[0]!.columns as object)).toEqual(['name', 'pid']);
    const later = Array.from({ length: 20 }, () => state.run(at, rng, id, ctx('4.6.0'), 3)).filter((l) => l.length > 0);
    expect(later.length).toBeGreaterThan(0);
    expect(later[0]!.map((l) => l.action)).toEqual(['removed', 'added']);
    expect(later.map((l) => l[0]!.counter)).toEqual(later.map((_, i) => i + 1));
  });

  it('keeps state for unchanged queries across config refreshes', () => {
    const q = { name: 'pack/p/q', sql: 'select 1', intervalSeconds: 10, snapshot: false, removed: true };
    const first = reconcileSchedule(new Map(), [q], () => 5);
    const again = reconcileSchedule(first, [{ ...q }], () => 99);
    expect(again.get('pack/p/q')).toBe(first.get('pack/p/q'));
    const changed = reconcileSchedule(first, [{ ...q, sql: 'select 2' }], () => 99);
    expect(changed.get('pack/p/q')!.nextRunAt).toBe(99);
  });
});

describe('TlsLogger', () => {
  const events = () => ({ resultLinesSent: 0, statusLinesSent: 0, logLinesDropped: 0 }) as unknown as import('../../cmd/osquery-perf/stats').EventCounters;

  it('sends results then status in ≤ maxLines batches, backs off on failure, resets on success', async () => {
    const sent: Array<[string, number]> = [];
    let accept = false;
    const ev = events();
    const logger = new TlsLogger({ maxLines: 2, bufferMax: 100, backoffMaxMs: 5000 }, async (type, lines) => {
      sent.push([type, lines.length]);
      return accept;
    }, ev);
    logger.push('status', [{ s: 1 }]);
    logger.push('result', [{ r: 1 }, { r: 2 }, { r: 3 }]);
    expect(logger.nextDelay(1000)).toBe(1000);
    await logger.flush(); // result request fails: status is not attempted
    await logger.flush();
    expect(sent).toEqual([['result', 2], ['result', 2]]);
    expect(logger.nextDelay(1000)).toBe(4000);
    await logger.flush();
    expect(logger.nextDelay(1000)).toBe(5000); // capped
    accept = true;
    await logger.flush();
    expect(sent.slice(3)).toEqual([['result', 2], ['status', 1]]);
    expect(logger.nextDelay(1000)).toBe(1000);
    expect(logger.buffer.size()).toBe(1);
    expect(ev).toMatchObject({ resultLinesSent: 2, statusLinesSent: 1 });
  });
});
