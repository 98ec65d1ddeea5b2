import { judge } from '../../cmd/osquery-perf/http-client';
import { Histogram } from '../../cmd/osquery-perf/histogram';
import { formatStats, StatsCollector } from '../../cmd/osquery-perf/stats';
import { parseCli } from '../../cmd/osquery-perf/cli';

describe('histogram', () => {
  it('reports percentiles within a few percent and the exact max', () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeGreaterThan(490);
    expect(s.p50).toBeLessThan(520);
    expect(s.p99).toBeGreaterThan(980);
    expect(s.p99).toBeLessThanOrEqual(1000);
    expect(s.max).toBe(1000);
    expect(s.mean).toBeCloseTo(500.5);
    expect(new Histogram().summary().p95).toBe(0);
  });
});

describe('stats collector', () => {
  it('restarts request counters and latencies at the end of the warm-up but keeps events', () => {
    const c = new StatsCollector(1);
    c.recordRequest('enroll', 'error', 900);
    c.events.enrollments = 5;
    c.resetWindow();
    c.recordRequest('distributed_read', 'ok', 2);
    const s = c.snapshot({ total: 1, started: 1, enrolled: 1 });
    expect(s.endpoints.enroll).toMatchObject({ requests: 0, errors: 0 });
    expect(s.endpoints.enroll.latencyMs.max).toBe(0);
    expect(s.endpoints.distributed_read.requests).toBe(1);
    expect(s.events.enrollments).toBe(5);
  });

  it('parses --warmup as a duration', () => {
    expect(parseCli(['node', 'perf', '--enroll-secret', 's', '--warmup', '45s']).simulation.warmupMs).toBe(45_000);
  });

  it('counts requests, errors and node_invalid per endpoint', () => {
    const c = new StatsCollector(7);
    c.recordRequest('enroll', 'ok', 3);
    c.recordRequest('config', 'error', 5);
    c.recordRequest('config', 'node_invalid', 1);
    c.recordRequest('config', 'ok', 2);
    const s = c.snapshot({ total: 2, started: 2, enrolled: 1 });
    expect(s.endpoints.config).toMatchObject({ requests: 3, errors: 2, nodeInvalid: 1 });
    expect(s.endpoints.enroll).toMatchObject({ requests: 1, errors: 0, nodeInvalid: 0 });
    expect(s.endpoints.log.requests).toBe(0);
    const text = formatStats(s);
    expect(text).toContain('seed=7');
    expect(text).toMatch(/config\s+3\s+/);
    expect(text).toContain('distributed_write');
  });
});

describe('response judging (osquery reads the body)', () => {
  it('classifies bodies', () => {
    expect(judge(200, '{"node_key":"k"}')).toMatchObject({ ok: true, nodeInvalid: false });
    expect(judge(401, '{"error":"x","node_invalid":true}')).toMatchObject({ ok: false, nodeInvalid: true, error: 'x' });
    expect(judge(200, '{"node_invalid":true}')).toMatchObject({ ok: false, nodeInvalid: true });
    expect(judge(500, '{"error":"boom"}')).toMatchObject({ ok: false, error: 'boom' });
    expect(judge(200, '{"error":"boom"}')).toMatchObject({ ok: false, error: 'boom' });
    expect(judge(502, '<html>bad gateway</html>')).toMatchObject({ ok: false });
    expect(judge(500, '{"message":"Unknown Error","errors":[]}')).toMatchObject({ ok: false, error: 'HTTP 500' });
    expect(judge(200, '[]')).toMatchObject({ ok: false });
  });
});

describe('CLI flags', () => {
  const argv = (...flags: string[]) => ['node', 'osquery-perf', ...flags];

  it('applies defaults', () => {
    const o = parseCli(argv('--enroll-secret', 's'));
    expect(o.simulation).toMatchObject({
      enrollSecret: 's', serverUrl: 'https://localhost:8080', hostCount: 10, startPeriodMs: 10_000, configIntervalMs: 60_000,
      queryIntervalMs: 10_000, logIntervalMs: 10_000, platforms: 'ubuntu:40,centos:20,darwin:30,windows:10',
      followServerOptions: false, insecure: false, durationMs: 0, liveQueryRows: 2, liveQueryErrorRate: 0,
    });
    expect(typeof o.simulation.seed).toBe('number');
    expect(o).toMatchObject({ reportIntervalMs: 10_000, json: false });
  });

  it('parses every flag and duration forms', () => {
    const o = parseCli(argv(
      '--enroll-secret', 's', '--server-url', 'http://x:1', '--host-count', '1000', '--seed', '5', '--start-period', '1m',
      '--config-interval', '500ms', '--query-interval', '3', '--log-interval', '2s', '--platforms', 'darwin:1',
      '--follow-server-options', '--insecure', '--duration', '30s', '--report-interval', '0', '--live-query-rows', '7',
      '--live-query-error-rate', '0.25', '--json', '--max-sockets', '64', '--processes', '3',
    ));
    expect(o.simulation).toMatchObject({
      serverUrl: 'http://x:1', hostCount: 1000, seed: 5, startPeriodMs: 60_000, configIntervalMs: 500, queryIntervalMs: 3000,
      logIntervalMs: 2000, platforms: 'darwin:1', followServerOptions: true, insecure: true, durationMs: 30_000,
      liveQueryRows: 7, liveQueryErrorRate: 0.25, maxSockets: 64,
    });
    expect(o).toMatchObject({ reportIntervalMs: 0, json: true, processes: 3 });
    expect(parseCli(argv('--enroll-secret', 's')).processes).toBe(1);
  });

  it('rejects a missing secret and bad values', () => {
    expect(() => parseCli(argv())).toThrow(/enroll-secret/);
    expect(() => parseCli(argv('--enroll-secret', 's', '--query-interval', 'soon'))).toThrow(/invalid duration/);
    expect(() => parseCli(argv('--enroll-secret', 's', '--live-query-error-rate', '2'))).toThrow(/0\.\.1/);
  });
});
