// Fixed-memory latency histogram: log-spaced buckets (≈2 % wide) from 10 µs to ~10 min,
// so percentiles stay within ~2 % however many millions of requests are recorded.

const MIN_MS = 0.01;
const GROWTH = 1.02;
const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / Math.log(GROWTH)) + 1;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** A histogram's contents in a form that crosses process boundaries (non-empty buckets only). */
export interface RawHistogram {
  buckets: Array<[index: number, count: number]>;
  n: number;
  sum: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private maxMs = 0;

  record(ms: number): void {
    const v = Math.max(ms, MIN_MS);
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(v / MIN_MS) / LOG_GROWTH));
    this.counts[i]!++;
    this.n++;
    this.sum += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  toRaw(): RawHistogram {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]!]);
    return { buckets, n: this.n, sum: this.sum, max: this.maxMs };
  }

  /** Adds another histogram's samples (e.g. from another simulator process): percentiles stay exact to the bucket. */
  add(raw: RawHistogram): void {
    for (const [i, c] of raw.buckets) this.counts[i]! += c;
    this.n += raw.n;
    this.sum += raw.sum;
    if (raw.max > this.maxMs) this.maxMs = raw.max;
  }

  /** Upper bound of the bucket holding quantile q (capped at the observed max). */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return Math.min(this.maxMs, MIN_MS * Math.pow(GROWTH, i + 1));
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return {
      count: this.n,
      mean: this.n ? this.sum / this.n : 0,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.maxMs,
    };
  }
}
