// Programmatic entry point: N agents in this process against one server, sharing one
// HTTP client (capped keep-alive pool) and one stats collector.
import { Agent } from './agent';
import { OsqueryHttpClient } from './http-client';
import { assignPlatforms, createIdentity } from './identity';
import { resolveOptions, type ResolvedOptions, type SimulationInput } from './options';
import { StatsCollector, type Stats } from './stats';

export interface Simulation {
  readonly options: ResolvedOptions;
  readonly agents: readonly Agent[];
  /** Counters so far (cheap; call as often as you like). */
  stats(): Stats;
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
  const platforms = assignPlatforms(options.platformMix, options.hostCount);
  const agents = platforms.map((p, i) => new Agent(createIdentity(options.seed, i, p), options, client, stats));

  // Starts spaced start_period/host_count apart so enrolment is not a thundering herd.
  const spacing = options.hostCount > 0 ? options.startPeriodMs / options.hostCount : 0;
  const startTimers = agents.map((agent, i) => (i === 0 || spacing === 0 ? (agent.start(), undefined) : setTimeout(() => agent.start(), i * spacing)));

  const snapshot = (): Stats =>
    stats.snapshot({
      total: agents.length,
      started: agents.reduce((n, a) => n + (a.started ? 1 : 0), 0),
      enrolled: agents.reduce((n, a) => n + (a.enrolled ? 1 : 0), 0),
    });

  let resolveFinished!: (s: Stats) => void;
  const finished = new Promise<Stats>((r) => (resolveFinished = r));
  let stopping: Promise<Stats> | undefined;
  const stop = (): Promise<Stats> => {
    stopping ??= (async () => {
      if (durationTimer) clearTimeout(durationTimer);
      if (warmupTimer) clearTimeout(warmupTimer);
      for (const t of startTimers) if (t) clearTimeout(t);
      const stopped = Promise.allSettled(agents.map((a) => a.stop()));
      // Give in-flight requests a moment to finish cleanly, then cut the sockets.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([stopped, new Promise((r) => (grace = setTimeout(r, Math.min(options.requestTimeoutMs, 3000))))]);
      clearTimeout(grace);
      client.close();
      await stopped;
      const final = snapshot();
      resolveFinished(final);
      return final;
    })();
    return stopping;
  };
  const durationTimer = options.durationMs > 0 ? setTimeout(() => void stop(), options.durationMs) : undefined;
  const warmupTimer = options.warmupMs > 0 ? setTimeout(() => stats.resetWindow(), options.warmupMs) : undefined;

  return { options, agents, stats: snapshot, stop, finished };
}
