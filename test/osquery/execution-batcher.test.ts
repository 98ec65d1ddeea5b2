// Live-query executions are group-committed: concurrent answers share one statement, each
// caller waits for its own rows, a failure reaches exactly the callers of that statement.
import type { CampaignExecution } from '../../internal/fleet';
import { ExecutionBatcher, MAX_BATCH_ROWS } from '../../service/osquery/execution-batcher';

const row = (host_id: number): CampaignExecution => ({ host_id, campaign_id: 1, status: 0, error: null, rows: 1 });

function fakeStore() {
  const calls: CampaignExecution[][] = [];
  const gates: Array<() => void> = [];
  let fail: Error | undefined;
  return {
    calls,
    failNext: (err: Error) => (fail = err),
    openGate: () => gates.shift()?.(),
    store: {
      recordCampaignExecutions(rows: CampaignExecution[]): Promise<void> {
        calls.push(rows);
        const err = fail;
        fail = undefined;
        return new Promise<void>((resolve, reject) => gates.push(() => (err ? reject(err) : resolve())));
      },
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ExecutionBatcher', () => {
  it('writes answers of one turn in one statement, and those arriving meanwhile in the next', async () => {
    const f = fakeStore();
    const b = new ExecutionBatcher(f.store);
    const first = [b.record([row(1)]), b.record([row(2), row(3)])];
    await tick();
    expect(f.calls).toEqual([[row(1), row(2), row(3)]]);
    const later = [b.record([row(4)]), b.record([row(5)])];
    let settled = false;
    void Promise.all(first).then(() => (settled = true));
    await tick();
    expect(settled).toBe(false); // callers wait for their rows
    f.openGate();
    await Promise.all(first);
    await tick();
    expect(f.calls[1]).toEqual([row(4), row(5)]);
    f.openGate();
    await Promise.all(later);
    expect(f.calls).toHaveLength(2);
  });

  it('rejects only the callers of a failed statement and goes on', async () => {
    const f = fakeStore();
    const b = new ExecutionBatcher(f.store);
    f.failNext(new Error('db down'));
    const failed = b.record([row(1)]);
    await tick();
    const next = b.record([row(2)]);
    f.openGate();
    await expect(failed).rejects.toThrow('db down');
    await tick();
    f.openGate();
    await expect(next).resolves.toBeUndefined();
    expect(f.calls).toEqual([[row(1)], [row(2)]]);
  });

  it('caps a statement at MAX_BATCH_ROWS rows and ignores empty records', async () => {
    const f = fakeStore();
    const b = new ExecutionBatcher(f.store);
    await b.record([]);
    const big = Array.from({ length: MAX_BATCH_ROWS }, (_, i) => row(i));
    const all = [b.record(big), b.record([row(-1)])];
    await tick();
    expect(f.calls.map((c) => c.length)).toEqual([MAX_BATCH_ROWS]);
    f.openGate();
    await tick();
    await tick();
    expect(f.calls.map((c) => c.length)).toEqual([MAX_BATCH_ROWS, 1]);
    f.openGate();
    await Promise.all(all);
  });
});
