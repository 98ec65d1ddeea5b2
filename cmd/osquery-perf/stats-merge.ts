// Merges the windows of several simulator processes into one report: counters add up,
// latency histograms are added bucket by bucket (so the merged p99 is the p99 of all
// requests, not an average of per-process p99s), rates use the coordinator's window.
import { Histogram } from './histogram';
import type { ProcessStats } from './process-stats';
import { ENDPOINTS, type EndpointStats, type EventCounters, type RawStats, type Stats } from './stats';

export interface ShardReport {
  raw: RawStats;
  agents: Stats['agents'];
  process: ProcessStats;
}

export function mergeProcessStats(list: readonly ProcessStats[]): ProcessStats {
  const sum = (f: (p: ProcessStats) => number) => Math.round(list.reduce((n, p) => n + f(p), 0) * 1000) / 1000;
  const worst = (f: (p: ProcessStats) => number) => list.reduce((n, p) => Math.max(n, f(p)), 0);
  return {
    processes: sum((p) => p.processes),
    cpuSeconds: sum((p) => p.cpuSeconds),
    cores: sum((p) => p.cores),
    eventLoopDelayMs: { p50: worst((p) => p.eventLoopDelayMs.p50), p99: worst((p) => p.eventLoopDelayMs.p99), max: worst((p) => p.eventLoopDelayMs.max) },
    rssMB: sum((p) => p.rssMB),
    heapUsedMB: sum((p) => p.heapUsedMB),
  };
}

export function mergeShards(seed: number, elapsedSeconds: number, shards: readonly ShardReport[]): Stats {
  const endpoints = {} as Record<(typeof ENDPOINTS)[number], EndpointStats>;
  for (const name of ENDPOINTS) {
    const latency = new Histogram();
    let requests = 0;
    let errors = 0;
    let nodeInvalid = 0;
    for (const s of shards) {
      const e = s.raw.endpoints[name];
      requests += e.requests;
      errors += e.errors;
      nodeInvalid += e.nodeInvalid;
      latency.add(e.latency);
    }
    endpoints[name] = { requests, errors, nodeInvalid, rate: elapsedSeconds > 0 ? requests / elapsedSeconds : 0, latencyMs: latency.summary() };
  }
  const events = {} as EventCounters;
  for (const s of shards) {
    for (const [k, v] of Object.entries(s.raw.events) as Array<[keyof EventCounters, number]>) events[k] = (events[k] ?? 0) + v;
  }
  const agents = { total: 0, started: 0, enrolled: 0 };
  for (const s of shards) {
    agents.total += s.agents.total;
    agents.started += s.agents.started;
    agents.enrolled += s.agents.enrolled;
  }
  return { seed, elapsedSeconds, agents, endpoints, events, process: mergeProcessStats(shards.map((s) => s.process)) };
}
