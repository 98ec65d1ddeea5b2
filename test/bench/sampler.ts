import { performance } from 'node:perf_hooks';

/** The p-th percentile (nearest rank, 0 < p ≤ 100) of `xs`; `xs` is not changed. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/**
 * Times sequential GETs of `url`, `gapMs` apart, until `stop()`: a baseline latency of the
 * same server under the same load as whatever is measured meanwhile.
 */
export function sampleLatency(url: string, gapMs: number): { stop(): Promise<number[]> } {
  const out: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      out.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return out;
    },
  };
}
