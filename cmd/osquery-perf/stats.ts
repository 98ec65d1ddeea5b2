// Counters for the whole simulation: per endpoint requests/errors/node_invalid/latency,
// plus agent-level events. One collector is shared by all agents (single event loop).
import { Histogram, type LatencySummary, type RawHistogram } from './histogram';
import type { ProcessStats } from './process-stats';

export const ENDPOINTS = ['enroll', 'config', 'distributed_read', 'distributed_write', 'log'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface EndpointStats {
  requests: number;
  /** Failed requests: network errors, non-2xx, unparseable body or an `error` key (includes node_invalid). */
  errors: number;
  /** Responses carrying `node_invalid: true` (a subset of errors). */
  nodeInvalid: number;
  /** Requests per second over the whole run. */
  rate: number;
  latencyMs: LatencySummary;
}

export interface EventCounters {
  enrollments: number;
  reenrollments: number;
  detailQueries: number;
  labelQueries: number;
  labelMatches: number;
  additionalQueries: number;
  liveQueries: number;
  liveQueryErrors: number;
  otherQueries: number;
  resultLinesSent: number;
  statusLinesSent: number;
  logLinesDropped: number;
  configsApplied: number;
}

export interface Stats {
  seed: number;
  elapsedSeconds: number;
  agents: { total: number; started: number; enrolled: number };
  endpoints: Record<Endpoint, EndpointStats>;
  events: EventCounters;
  /** The simulator's own CPU, event-loop delay and memory over the same window. */
  process?: ProcessStats;
}

interface EndpointState {
  requests: number;
  errors: number;
  nodeInvalid: number;
  latency: Histogram;
}

export type Outcome = 'ok' | 'error' | 'node_invalid';

/** One collector's window in a form that can be merged with others (see stats-merge.ts). */
export interface RawStats {
  endpoints: Record<Endpoint, { requests: number; errors: number; nodeInvalid: number; latency: RawHistogram }>;
  events: EventCounters;
}

export class StatsCollector {
  private startedAt = Date.now();
  private endpoints = StatsCollector.emptyEndpoints();
  readonly events: EventCounters = {
    enrollments: 0, reenrollments: 0, detailQueries: 0, labelQueries: 0, labelMatches: 0,
    additionalQueries: 0, liveQueries: 0, liveQueryErrors: 0, otherQueries: 0,
    resultLinesSent: 0, statusLinesSent: 0, logLinesDropped: 0, configsApplied: 0,
  };

  constructor(readonly seed: number) {}

  private static emptyEndpoints(): Record<Endpoint, EndpointState> {
    return Object.fromEntries(
      ENDPOINTS.map((e) => [e, { requests: 0, errors: 0, nodeInvalid: 0, latency: new Histogram() }]),
    ) as Record<Endpoint, EndpointState>;
  }

  /** Starts a new measurement window: request counters, latencies and the rate clock restart; events are kept. */
  resetWindow(): void {
    this.startedAt = Date.now();
    this.endpoints = StatsCollector.emptyEndpoints();
  }

  recordRequest(endpoint: Endpoint, outcome: Outcome, latencyMs: number): void {
    const e = this.endpoints[endpoint];
    e.requests++;
    if (outcome !== 'ok') e.errors++;
    if (outcome === 'node_invalid') e.nodeInvalid++;
    e.latency.record(latencyMs);
  }

  raw(): RawStats {
    const endpoints = {} as RawStats['endpoints'];
    for (const name of ENDPOINTS) {
      const e = this.endpoints[name];
      endpoints[name] = { requests: e.requests, errors: e.errors, nodeInvalid: e.nodeInvalid, latency: e.latency.toRaw() };
    }
    return { endpoints, events: { ...this.events } };
  }

  snapshot(agents: Stats['agents']): Stats {
    const elapsedSeconds = (Date.now() - this.startedAt) / 1000;
    const endpoints = {} as Record<Endpoint, EndpointStats>;
    for (const name of ENDPOINTS) {
      const e = this.endpoints[name];
      endpoints[name] = {
        requests: e.requests,
        errors: e.errors,
        nodeInvalid: e.nodeInvalid,
        rate: elapsedSeconds > 0 ? e.requests / elapsedSeconds : 0,
        latencyMs: e.latency.summary(),
      };
    }
    return { seed: this.seed, elapsedSeconds, agents: { ...agents }, endpoints, events: { ...this.events } };
  }
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** Fixed-width table for the terminal. */
export function formatStats(s: Stats): string {
  const head = ['endpoint', 'requests', 'req/s', 'errors', 'node_inv', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const rows = ENDPOINTS.map((name) => {
    const e = s.endpoints[name];
    return [name, String(e.requests), e.rate.toFixed(1), String(e.errors), String(e.nodeInvalid), ms(e.latencyMs.p50), ms(e.latencyMs.p95), ms(e.latencyMs.p99), ms(e.latencyMs.max)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const ev = s.events;
  return [
    `osquery-perf  t=${s.elapsedSeconds.toFixed(1)}s  seed=${s.seed}  agents: ${s.agents.enrolled} enrolled / ${s.agents.started} started / ${s.agents.total} total`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `queries: detail=${ev.detailQueries} label=${ev.labelQueries} (match ${ev.labelMatches}) additional=${ev.additionalQueries} live=${ev.liveQueries} (err ${ev.liveQueryErrors}) other=${ev.otherQueries}`,
    ...(s.process ? [processLine(s.process)] : []),
    `logs: result lines=${ev.resultLinesSent} status lines=${ev.statusLinesSent} dropped=${ev.logLinesDropped}  enrollments=${ev.enrollments} (re-enroll ${ev.reenrollments})  configs=${ev.configsApplied}`,
  ].join('\n');
}

function processLine(p: ProcessStats): string {
  const d = p.eventLoopDelayMs;
  return `simulator: ${p.processes} process(es) cpu=${p.cpuSeconds.toFixed(1)}s (${p.cores.toFixed(2)} cores)  event-loop delay p50/p99/max=${ms(d.p50)}/${ms(d.p99)}/${ms(d.max)} ms  rss=${p.rssMB} MB heap=${p.heapUsedMB} MB`;
}
