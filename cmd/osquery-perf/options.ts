// Simulation options: what the CLI flags map to, with defaults from spec §15.
import { DEFAULT_PLATFORM_MIX, parsePlatformMix, type PlatformMix } from './identity';

/** One finished distributed/write attempt (for benchmarks that time what happens after it). */
export interface DistributedWriteEvent {
  hostname: string;
  /** The query names it carried (detail, label and fleet_distributed_query_<id>). */
  queries: string[];
  /** Wall-clock ms (sub-ms precision: timeOrigin + performance.now()) just before the request was sent. */
  sentAt: number;
  /** Same clock, when the response (or the failure) arrived. */
  answeredAt: number;
  /** The server accepted it (a failed write is retried with the same answers). */
  ok: boolean;
}

export interface SimulationOptions {
  serverUrl: string;
  enrollSecret: string;
  hostCount: number;
  /** Agent i's RNG is seeded from (seed, i); default: Date.now(). */
  seed: number;
  /** Agent starts are spread evenly over this period (no thundering herd). */
  startPeriodMs: number;
  configIntervalMs: number;
  /** distributed_interval. */
  queryIntervalMs: number;
  /** logger_tls_period. */
  logIntervalMs: number;
  /** "ubuntu:40,centos:20,darwin:30,windows:10" or already parsed. */
  platforms: string | PlatformMix;
  /** Apply options.distributed_interval / logger_tls_period from the fetched config. */
  followServerOptions: boolean;
  insecure: boolean;
  /** Stop by itself after this long (0 = run until stop()). */
  durationMs: number;
  /** Request counters and latencies restart after this long, so a report covers the steady state after the enrollment ramp (0 = count everything). */
  warmupMs: number;
  liveQueryRows: number;
  /** Fraction (0–1) of live queries that fail with status 1 and a message. */
  liveQueryErrorRate: number;
  /** Cap on pooled keep-alive sockets shared by all agents. */
  maxSockets: number;
  /** Per-request timeout (osquery: 16 s). */
  requestTimeoutMs: number;
  /** One status log line per this period (plus event-driven ones). */
  statusLogIntervalMs: number;
  /** Poll period while an `accelerate` window is open (osquery: 5 s). */
  accelerateIntervalMs: number;
  /** Enrolment retry backoff: doubles from initial up to max. */
  enrollBackoffInitialMs: number;
  enrollBackoffMaxMs: number;
  /** --logger_tls_backoff_max. */
  logBackoffMaxMs: number;
  /** --logger_tls_max_lines. */
  logMaxLines: number;
  /** Per-agent log buffer cap (--buffered_log_max; lower than osquery's 1,000,000 to bound memory). */
  bufferedLogMax: number;
  /** Multiplies scheduled-query intervals from packs (tests use e.g. 0.01). */
  scheduleTimeScale: number;
  /** Rows per scheduled query run. */
  scheduledQueryRows: number;
  /** ± fraction applied to every periodic delay. */
  jitter: number;
  /** Simulate only hosts i with i % count === index (one process of several; identities,
   *  platforms and start times stay those of the whole fleet of hostCount hosts). */
  shard: { index: number; count: number };
  /** Called after every distributed/write attempt (optional; benchmarks). */
  onDistributedWrite?: (event: DistributedWriteEvent) => void;
}

export const DEFAULT_OPTIONS: Omit<SimulationOptions, 'enrollSecret' | 'seed'> = {
  serverUrl: 'https://localhost:8080',
  hostCount: 10,
  startPeriodMs: 10_000,
  configIntervalMs: 60_000,
  queryIntervalMs: 10_000,
  logIntervalMs: 10_000,
  platforms: DEFAULT_PLATFORM_MIX,
  followServerOptions: false,
  insecure: false,
  durationMs: 0,
  warmupMs: 0,
  liveQueryRows: 2,
  liveQueryErrorRate: 0,
  maxSockets: 256,
  requestTimeoutMs: 16_000,
  statusLogIntervalMs: 60_000,
  accelerateIntervalMs: 5_000,
  enrollBackoffInitialMs: 1_000,
  enrollBackoffMaxMs: 60_000,
  logBackoffMaxMs: 3_600_000,
  logMaxLines: 1024,
  bufferedLogMax: 100_000,
  scheduleTimeScale: 1,
  scheduledQueryRows: 3,
  jitter: 0.1,
  shard: { index: 0, count: 1 },
};

export type SimulationInput = Partial<SimulationOptions> & Pick<SimulationOptions, 'enrollSecret'>;

export interface ResolvedOptions extends SimulationOptions {
  platformMix: PlatformMix;
}

export function resolveOptions(input: SimulationInput): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as SimulationInput;
  const o: SimulationOptions = { ...DEFAULT_OPTIONS, seed: Date.now(), ...defined };
  if (!o.enrollSecret) throw new Error('an enroll secret is required');
  if (!Number.isInteger(o.hostCount) || o.hostCount < 0) throw new Error(`invalid host count: ${o.hostCount}`);
  if (!(o.liveQueryErrorRate >= 0 && o.liveQueryErrorRate <= 1)) throw new Error('live query error rate must be within 0..1');
  for (const k of ['configIntervalMs', 'queryIntervalMs', 'logIntervalMs', 'statusLogIntervalMs', 'accelerateIntervalMs'] as const) {
    if (!(o[k] > 0)) throw new Error(`${k} must be > 0`);
  }
  const { index, count } = o.shard;
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count)) throw new Error(`invalid shard ${index}/${count}`);
  new URL(o.serverUrl); // throws on a malformed URL
  const platformMix = typeof o.platforms === 'string' ? parsePlatformMix(o.platforms) : o.platforms;
  return { ...o, platformMix };
}
