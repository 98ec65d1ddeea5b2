// seen_time in batches (later-3.x behaviour, spec §1.1 step 3): a check-in only adds its host
// id to a set; a timer writes the whole set with ONE markHostsSeen call per flush.
import type { Clock } from '../../internal/clock/clock';
import type { HostStore } from '../../internal/fleet';
import type { Logger } from '../../internal/logging';

export class SeenBatcher {
  private pending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly store: Pick<HostStore, 'markHostsSeen'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  /** Records a check-in; at most one write per host per flush. */
  mark(hostId: number): void {
    this.pending.add(hostId);
    if (this.timer === null && !this.closed && this.intervalMs > 0) {
      this.timer = setInterval(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Writes the pending ids now. A flush already running is awaited first, so flushes never
   * overlap. A failed write puts its ids back for the next flush (a crash loses ≤ 1 interval).
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    const at = this.clock.now();
    this.flushing = this.store
      .markHostsSeen(ids, at)
      .catch((err: unknown) => {
        for (const id of ids) this.pending.add(id);
        this.logger.warn('marking hosts seen failed; retrying on the next flush', {
          hosts: ids.length,
          err: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
