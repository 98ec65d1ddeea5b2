// The one-timer scheduler behind every agent's sleeps: order, ties, cancellation, and that
// it holds the event loop only while something is scheduled.
import { TimerHeap } from '../../cmd/osquery-perf/timer-heap';
import { Rng } from '../../cmd/osquery-perf/rng';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('timer heap', () => {
  it('fires in due order, ties in scheduling order, not before the delay', async () => {
    const t = new TimerHeap();
    const fired: Array<[string, number]> = [];
    const t0 = performance.now();
    const at = (name: string, ms: number) => t.schedule(ms, () => fired.push([name, performance.now() - t0]));
    at('c', 60);
    at('a', 20);
    at('b1', 40);
    at('b2', 40);
    at('z', 1);
    await sleep(120);
    expect(fired.map(([n]) => n)).toEqual(['z', 'a', 'b1', 'b2', 'c']);
    for (const [name, elapsed] of fired) expect({ name, early: elapsed < { z: 1, a: 20, b1: 40, b2: 40, c: 60 }[name]! - 1 }).toEqual({ name, early: false });
    expect(t.size).toBe(0);
  });

  it('keeps heap order through many random schedules and cancels', async () => {
    const t = new TimerHeap();
    const rng = new Rng(3);
    const fired: number[] = [];
    const handles = Array.from({ length: 2000 }, (_, i) => {
      const due = rng.int(1, 80);
      return { due, i, h: t.schedule(due, () => fired.push(i)) };
    });
    const cancelled = new Set<number>();
    for (const x of handles) if (rng.chance(0.3)) (t.cancel(x.h), cancelled.add(x.i));
    t.cancel(handles[0]!.h); // cancelling twice is harmless
    cancelled.add(0);
    await sleep(150);
    // Due = scheduling time + delay (time passes while 2000 are scheduled); ties by order.
    const expected = handles.filter((x) => !cancelled.has(x.i)).sort((a, b) => a.h.at - b.h.at || a.i - b.i).map((x) => x.i);
    expect(fired).toEqual(expected);
  });

  it('cancelling everything releases the Node timer (nothing left to keep the process alive)', () => {
    const t = new TimerHeap();
    const a = t.schedule(10_000, () => undefined);
    const b = t.schedule(5_000, () => undefined);
    expect((t as unknown as { timer?: NodeJS.Timeout }).timer).toBeDefined();
    t.cancel(b);
    t.cancel(a);
    expect(t.size).toBe(0);
    expect((t as unknown as { timer?: NodeJS.Timeout }).timer).toBeUndefined();
  });

  it('runs callbacks scheduled by a callback in a later turn', async () => {
    const t = new TimerHeap();
    const order: string[] = [];
    t.schedule(5, () => {
      order.push('first');
      t.schedule(0, () => order.push('nested'));
    });
    t.schedule(5, () => order.push('second'));
    await sleep(40);
    expect(order).toEqual(['first', 'second', 'nested']);
  });
});
