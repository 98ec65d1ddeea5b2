// Periodic background jobs of one `fleet serve` process (spec §8): run at start, then every
// interval (1 h by default). A run never overlaps the previous one; a failing job is logged
// and retried on the next tick. Tests drive `runOnce()` with a MockClock.
import { inject, injectable, optional } from 'inversify';
import type { InvalidationBus } from '../../internal/cache/invalidation-bus';
import type { Clock } from '../../internal/clock/clock';
import { TYPES } from '../../internal/container/identifiers';
import { CARVE_EXPIRY_MS, type Datastore } from '../../internal/fleet';
import type { Logger } from '../../internal/logging';
import type { LiveQueryStore } from '../../internal/livequery/live-query-store';
import { cleanupCampaigns } from './campaign-cleanup';
import { cleanupHosts, type HostCleanupResult } from './host-cleanup';

export interface JobRunnerOptions {
  /** Time between runs, in ms. */
  intervalMs: number;
}

export const JOB_RUNNER_OPTIONS = Symbol.for('JobRunnerOptions');
export const DEFAULT_JOB_INTERVAL_MS = 3600 * 1000;

export interface JobRunResult {
  hosts?: HostCleanupResult;
  /** Carves expired by this run (24 h after carve/begin; spec §12.5). */
  carves?: number;
  /** Campaigns completed as stale (waiting > 1 min, running > 24 h); their live queries stopped. */
  campaigns?: number[];
}

@injectable()
export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<JobRunResult> | null = null;
  private readonly intervalMs: number;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.InvalidationBus) private readonly bus: InvalidationBus,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(JOB_RUNNER_OPTIONS) @optional() opts?: Partial<JobRunnerOptions>,
    @inject(TYPES.LiveQueryStore) @optional() private readonly liveQueries?: LiveQueryStore,
  ) {
    this.intervalMs = opts?.intervalMs ?? DEFAULT_JOB_INTERVAL_MS;
  }

  /** Runs the jobs now and then every interval. */
  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One run of every job; concurrent callers share a run in progress. */
  runOnce(): Promise<JobRunResult> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<JobRunResult> {
    const result: JobRunResult = {};
    try {
      result.hosts = await cleanupHosts(this.ds, this.bus, this.logger, this.clock.now());
    } catch (err) {
      this.logger.error('host cleanup job failed', { err: err instanceof Error ? err.message : String(err) });
    }
    try {
      result.carves = await this.ds.expireCarves(new Date(this.clock.now().getTime() - CARVE_EXPIRY_MS));
      if (result.carves > 0) this.logger.info('carve cleanup expired carves', { expired: result.carves });
    } catch (err) {
      this.logger.error('carve cleanup job failed', { err: err instanceof Error ? err.message : String(err) });
    }
    try {
      result.campaigns = await cleanupCampaigns(this.ds, this.liveQueries, this.logger, this.clock.now());
    } catch (err) {
      this.logger.error('campaign cleanup job failed', { err: err instanceof Error ? err.message : String(err) });
    }
    return result;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => undefined);
  }
}
