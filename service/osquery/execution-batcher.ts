// Live-query executions (one row per host answer) written as group commits: a fan-out to
// 10,000 hosts brings ~1,000 distributed/writes a second, and one INSERT each was half of
// the agent path's SQL (and of its socket writes). Rows recorded while a statement is in
// flight go out together in the next one; each caller still waits for its own rows.
import type { CampaignExecution, CampaignStore } from '../../internal/fleet';

/** Rows per statement at most (five arrays of this length in one unnest). */
export const MAX_BATCH_ROWS = 5000;

interface Waiting {
  rows: CampaignExecution[];
  resolve(): void;
  reject(err: unknown): void;
}

export class ExecutionBatcher {
  private queue: Waiting[] = [];
  private draining = false;

  constructor(private readonly store: Pick<CampaignStore, 'recordCampaignExecutions'>) {}

  /** Resolves once these rows are written (rejects with the statement's error). */
  record(rows: CampaignExecution[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.queue.push({ rows, resolve, reject }));
    if (!this.draining) {
      this.draining = true;
      // Let the requests of this I/O turn join the first statement.
      setImmediate(() => void this.drain());
    }
    return done;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Waiting[] = [];
      let n = 0;
      while (this.queue.length > 0 && (batch.length === 0 || n + this.queue[0]!.rows.length <= MAX_BATCH_ROWS)) {
        const w = this.queue.shift()!;
        batch.push(w);
        n += w.rows.length;
      }
      try {
        await this.store.recordCampaignExecutions(batch.flatMap((w) => w.rows));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.draining = false;
  }
}
