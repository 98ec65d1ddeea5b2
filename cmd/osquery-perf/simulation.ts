// Programmatic entry point: N agents in this process against one server, sharing one
// HTTP client (capped keep-alive pool) and one stats collector.
import { Agent } from './agent';
import { OsqueryHttpClient } from './http-client';
import { assignPlatforms, createIdentity } from './identity';
import { resolveOptions, type ResolvedOptions, type SimulationInput } from './options';
import { ProcessMonitor } from './process-stats';
import { StatsCollector, type Stats } from './stats';
import type { ShardReport } from './stats-merge';
import { TimerHeap } from './timer-heap';

export interface Simulation {
  readonly options: ResolvedOptions;
  readonly agents: readonly Agent[];
  /** Counters so far (cheap; call as often as you like). */
  stats(): Stats;
  /** The same window in mergeable form (for a coordinator of several processes). */
  shardReport(): ShardReport;
  /** Restarts the measurement window now (what `warmupMs` does by itself). */
  resetWindow(): void;
  /** Stops all agents, waits briefly for in-flight requests, closes sockets; final stats. */
  stop(): Promise<Stats>;
  /** Resolves with the final stats once stopped (by stop() or options.durationMs). */
  readonly finished: Promise<Stats>;
}

export function startSimulation(input: SimulationInput): Simulation {
  const options = resolveOptions(input);
  const stats = new StatsCollector(options.seed);
  const client = new OsqueryHttpClient(
    { serverUrl: options.serverUrl, insecure: options.insecure, maxSockets: options.maxSockets, timeoutMs: options.requestTimeoutMs },
    stats,
  );
  const timers = new TimerHeap();
  const monitor = new ProcessMonitor();
  const platforms = assignPlatforms(options.platformMix, options.hostCount);
  const { index: shard, count: shards } = options.shard;
  // Host i belongs to shard i % shards: each process of several gets an even share of
  // every stretch of the ramp, and host i is the same host whatever the process count.
  const indices = platforms.map((_, i) => i).filter((i) => i % shards === shard);
  const agents = indices.map((i) => new Agent(createIdentity(options.seed, i, platforms[i]!), options, client, stats, timers));

  // Starts spaced start_period/host_count apart so enrolment is not a thundering herd.
  const spacing = options.hostCount > 0 ? options.startPeriodMs / options.hostCount : 0;
  const startTimers = agents.map((agent, k) => {
    const at = indices[k]! * spacing;
    return at === 0 ? (agent.start(), undefined) : timers.schedule(at, () => agent.start());
  });

  const agentCounts = () => ({
    total: agents.length,
    started: agents.reduce((n, a) => n + (a.started ? 1 : 0), 0),
    enrolled: agents.reduce((n, a) => n + (a.enrolled ? 1 : 0), 0),
  });
  const snapshot = (): Stats => ({ ...stats.snapshot(agentCounts()), process: monitor.snapshot() });
  const shardReport = (): ShardReport => ({ raw: stats.raw(), agents: agentCounts(), process: monitor.snapshot() });
  const resetWindow = () => {
    stats.resetWindow();
    monitor.reset();
  };

  let resolveFinished!: (s: Stats) => void;
  const finished = new Promise<Stats>((r) => (resolveFinished = r));
  let stopping: Promise<Stats> | undefined;
  const stop = (): Promise<Stats> => {
    stopping ??= (async () => {
      if (durationTimer) clearTimeout(durationTimer);
      if (warmupTimer) clearTimeout(warmupTimer);
      for (const t of startTimers) if (t) timers.cancel(t);
      const stopped = Promise.allSettled(agents.map((a) => a.stop()));
      // Give in-flight requests a moment to finish cleanly, then cut the sockets.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([stopped, new Promise((r) => (grace = setTimeout(r, Math.min(options.requestTimeoutMs, 3000))))]);
      clearTimeout(grace);
      client.close();
      await stopped;
      const final = snapshot();
      monitor.stop();
      resolveFinished(final);
      return final;
    })();
    return stopping;
  };
  const durationTimer = options.durationMs > 0 ? setTimeout(() => void stop(), options.durationMs) : undefined;
  const warmupTimer = options.warmupMs > 0 ? setTimeout(resetWindow, options.warmupMs) : undefined;

  return { options, agents, stats: snapshot, shardReport, resetWindow, stop, finished };
}
