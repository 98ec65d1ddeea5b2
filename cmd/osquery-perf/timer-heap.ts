// One Node timer for all of a simulation's sleeps: a binary min-heap of due times with a
// single setTimeout armed for the earliest. Tens of thousands of agents each sleeping in
// several loops otherwise keep ~100k Timeout objects alive and spread over thousands of
// per-duration timer lists (the delays are jittered), which showed up in profiles.
// Callbacks due at the same time run in the order they were scheduled, as with setTimeout.
import { performance } from 'node:perf_hooks';

export interface TimerHandle {
  readonly at: number;
  /** Position in the heap; -1 once fired or cancelled. */
  index: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class TimerHeap {
  private readonly heap: TimerHandle[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  get size(): number {
    return this.heap.length;
  }

  /** Runs `fn` after `delayMs` (≥ 1 ms, like setTimeout). */
  schedule(delayMs: number, fn: () => void): TimerHandle {
    const h: TimerHandle = { at: performance.now() + Math.max(1, delayMs), index: this.heap.length, seq: this.seq++, fn };
    this.heap.push(h);
    this.up(h.index);
    if (h.index === 0) this.arm();
    return h;
  }

  cancel(h: TimerHandle): void {
    const i = h.index;
    if (i < 0) return;
    h.index = -1;
    const last = this.heap.pop()!;
    if (last !== h) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    if (i === 0) this.arm();
  }

  private less(a: TimerHandle, b: TimerHandle): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    const x = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(x, h[p]!)) break;
      h[i] = h[p]!;
      h[i]!.index = i;
      i = p;
    }
    h[i] = x;
    x.index = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const x = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[c]!, x)) break;
      h[i] = h[c]!;
      h[i]!.index = i;
      i = c;
    }
    h[i] = x;
    x.index = i;
  }

  private pop(): TimerHandle {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (last !== top) {
      h[0] = last;
      last.index = 0;
      this.down(0);
    }
    top.index = -1;
    return top;
  }

  /** (Re)arms the one Node timer for the earliest entry, only when that changed. */
  private arm(): void {
    const head = this.heap[0];
    if (!head) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    if (this.timer && head.at >= this.armedFor) return; // the armed timer fires first and re-arms
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = head.at;
    this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(head.at - performance.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    // Only what is due now: callbacks scheduling 0 ms timers do not starve the event loop.
    while (this.heap.length && this.heap[0]!.at <= now) this.pop().fn();
    this.arm();
  }
}
