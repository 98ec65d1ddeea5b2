// What the simulator process itself costs over the measurement window: CPU (so a report
// says whether the load generator had headroom), event-loop delay (time the agents'
// callbacks waited for the loop; it lands in the measured latencies) and memory.
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/** Sampling period of the delay histogram; Node 20 records whole periods, so it is subtracted. */
const RESOLUTION_MS = 10;

export interface ProcessStats {
  /** Processes that contributed (several with --processes). */
  processes: number;
  /** User + system CPU seconds of the process(es) since the window started. */
  cpuSeconds: number;
  /** cpuSeconds per elapsed second (1 = one core busy). */
  cores: number;
  /** Event-loop delay beyond the expected wake-up (worst process for p99/max). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  rssMB: number;
  heapUsedMB: number;
}

export class ProcessMonitor {
  private cpu = process.cpuUsage();
  private startedAt = performance.now();
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.delay.enable();
  }

  reset(): void {
    this.cpu = process.cpuUsage();
    this.startedAt = performance.now();
    this.delay.reset();
  }

  stop(): void {
    this.delay.disable();
  }

  snapshot(): ProcessStats {
    const used = process.cpuUsage(this.cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const mem = process.memoryUsage();
    // In ns, each sample a whole period; an empty histogram reports huge values.
    const ms = (ns: number) => (this.delay.count > 0 ? Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100) : 0);
    return {
      processes: 1,
      cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
      cores: elapsed > 0 ? Math.round((cpuSeconds / elapsed) * 1000) / 1000 : 0,
      eventLoopDelayMs: { p50: ms(this.delay.percentile(50)), p99: ms(this.delay.percentile(99)), max: ms(this.delay.max) },
      rssMB: Math.round(mem.rss / 1048576),
      heapUsedMB: Math.round(mem.heapUsed / 1048576),
    };
  }
}
