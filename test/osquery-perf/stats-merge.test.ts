// Reports of several simulator processes merge into what one process would have reported,
// and the pieces the merge relies on (raw histograms, process figures, the config memo).
import { Histogram } from '../../cmd/osquery-perf/histogram';
import { configHash, parsedConfig } from '../../cmd/osquery-perf/config-cache';
import { ProcessMonitor } from '../../cmd/osquery-perf/process-stats';
import { StatsCollector } from '../../cmd/osquery-perf/stats';
import { mergeShards } from '../../cmd/osquery-perf/stats-merge';
import { Rng } from '../../cmd/osquery-perf/rng';

const proc = (cores: number, p99: number) => ({ processes: 1, cpuSeconds: cores * 10, cores, eventLoopDelayMs: { p50: 0.1, p99, max: p99 * 2 }, rssMB: 100, heapUsedMB: 50 });

describe('merging shard reports', () => {
  it('gives the percentiles of all samples together, and sums counters', () => {
    const rng = new Rng(11);
    const all = new StatsCollector(1);
    const parts = [new StatsCollector(1), new StatsCollector(1), new StatsCollector(1)];
    for (let i = 0; i < 30_000; i++) {
      // Shards with very different latencies: averaging their p99s would be far off.
      const shard = i % 3;
      const ms = shard === 2 ? 50 + rng.next() * 500 : rng.next() * 5;
      const outcome = rng.chance(0.01) ? 'error' : 'ok';
      all.recordRequest('distributed_read', outcome, ms);
      parts[shard]!.recordRequest('distributed_read', outcome, ms);
      parts[shard]!.events.detailQueries++;
    }
    const merged = mergeShards(1, 10, parts.map((p, i) => ({ raw: p.raw(), agents: { total: 5, started: 5, enrolled: 4 + (i % 2) }, process: proc(0.2, i) })));
    const whole = all.snapshot({ total: 15, started: 15, enrolled: 13 });
    const { mean, ...summary } = whole.endpoints.distributed_read.latencyMs;
    expect(merged.endpoints.distributed_read).toEqual({ ...whole.endpoints.distributed_read, rate: 3000, latencyMs: { ...summary, mean: expect.any(Number) } });
    expect(merged.endpoints.distributed_read.latencyMs.mean).toBeCloseTo(mean, 6); // sums added in another order
    expect(merged.endpoints.distributed_read.latencyMs.p99).toBeGreaterThan(400);
    expect(merged.agents).toEqual({ total: 15, started: 15, enrolled: 13 });
    expect(merged.events.detailQueries).toBe(30_000);
    expect(merged.process).toMatchObject({ processes: 3, cores: 0.6, eventLoopDelayMs: { p99: 2, max: 4 }, rssMB: 300 });
  });

  it('histograms survive the round trip through their raw form', () => {
    const h = new Histogram();
    for (const v of [0.5, 1, 1, 30, 1200]) h.record(v);
    const copy = new Histogram();
    copy.add(JSON.parse(JSON.stringify(h.toRaw())));
    expect(copy.summary()).toEqual(h.summary());
  });
});

describe('process figures', () => {
  it('count this process CPU since the window started', async () => {
    const m = new ProcessMonitor();
    const t0 = Date.now();
    while (Date.now() - t0 < 150); // burn CPU
    const busy = m.snapshot();
    m.reset();
    await new Promise((r) => setTimeout(r, 150));
    const idle = m.snapshot();
    m.stop();
    expect(busy.cpuSeconds).toBeGreaterThan(0.1);
    expect(busy.cores).toBeGreaterThan(0.5);
    expect(idle.cores).toBeLessThan(busy.cores);
    expect(busy.rssMB).toBeGreaterThan(0);
  });
});

describe('config memo', () => {
  it('hashes a config text once and gives the hash osquery would compute', () => {
    const text = '{"options":{"distributed_interval":10},"decorators":{"load":["select 1"]}}';
    const a = parsedConfig(text, JSON.parse(text));
    const b = parsedConfig(text, JSON.parse(text));
    expect(b).toBe(a);
    expect(a.hash).toBe(configHash(JSON.parse(text)));
    const other = '{"options":{"distributed_interval":11}}';
    expect(parsedConfig(other, JSON.parse(other)).hash).not.toBe(a.hash);
  });
});
