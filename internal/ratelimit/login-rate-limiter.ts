import { RateLimitError } from '../fleet/errors';
import type { Clock } from '../clock/clock';

/**
 * Counts failed logins in a fixed one-minute window per key (an account name or a
 * client address). Once a key reaches the limit, every attempt on it is refused with
 * 429 until the window ends, so guessing is throttled while other accounts are unaffected.
 */
export class LoginRateLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();
  private readonly windowMs = 60_000;

  constructor(
    private readonly limitPerWindow: number,
    private readonly clock: Clock,
  ) {}

  /** Throws RateLimitError when any key is over its limit. */
  check(keys: string[]): void {
    const now = this.clock.now().getTime();
    for (const key of keys) {
      const w = this.windows.get(key);
      if (!w) continue;
      if (now - w.start >= this.windowMs) {
        this.windows.delete(key);
        continue;
      }
      if (w.failures >= this.limitPerWindow) {
        throw new RateLimitError(Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)));
      }
    }
  }

  recordFailure(keys: string[]): void {
    const now = this.clock.now().getTime();
    for (const key of keys) {
      const w = this.windows.get(key);
      if (!w || now - w.start >= this.windowMs) this.windows.set(key, { start: now, failures: 1 });
      else w.failures++;
    }
    this.prune(now);
  }

  /** Bounds memory under a flood of distinct keys. */
  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
