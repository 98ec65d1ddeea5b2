// The distributed/write hook benchmarks use to time results: one event per attempt, failed
// attempts included, and the --write-log file the CLI writes from it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cmd/osquery-perf/main';
import type { DistributedWriteEvent } from '../../cmd/osquery-perf/options';
import { FakeFleet, waitFor } from './fake-fleet';
import { SECRET, withFleet } from './harness';

const NAME = 'fleet_distributed_query_42';

describe('distributed/write events', () => {
  it('reports every attempt with its queries, send and answer times and outcome', async () => {
    const events: DistributedWriteEvent[] = [];
    await withFleet({ hostCount: 1, onDistributedWrite: (e) => events.push(e) }, { deliverCampaignsOnce: true }, async (sim, fleet) => {
      await waitFor(() => [...fleet.hosts.values()][0]?.detailsAnswered, 5000, 'details');
      fleet.failNext.set('/api/v1/osquery/distributed/write', 1);
      fleet.campaigns.set(42, 'SELECT 1');
      await waitFor(() => [...fleet.hosts.values()][0]!.results.has(NAME), 5000, 'result');
      const live = events.filter((e) => e.queries.includes(NAME));
      expect(live.map((e) => e.ok)).toEqual([false, true]);
      for (const e of live) {
        expect(e.hostname).toBe(sim.agents[0]!.identity.hostname);
        expect(e.answeredAt).toBeGreaterThanOrEqual(e.sentAt);
        expect(Math.abs(e.sentAt - Date.now())).toBeLessThan(10_000);
      }
      // As many events as write requests the server saw.
      expect(events.length).toBe(fleet.requestsTo('/distributed/write').length);
    });
  });

  it('--write-log writes one JSON line per attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osquery-perf-writes-'));
    const file = join(dir, 'writes.jsonl');
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const fleet = await new FakeFleet({ enrollSecret: SECRET }).start();
    try {
      const code = await run(['node', 'osquery-perf', '--server-url', fleet.url, '--enroll-secret', SECRET, '--host-count', '2',
        '--start-period', '0', '--query-interval', '50ms', '--duration', '400ms', '--report-interval', '0', '--write-log', file]);
      expect(code).toBe(0);
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DistributedWriteEvent);
      // Each agent answers its detail queries on its first check-in.
      expect(new Set(lines.map((l) => l.hostname)).size).toBe(2);
      expect(lines.length).toBe(fleet.requestsTo('/distributed/write').length);
      for (const l of lines) expect(Object.keys(l).sort()).toEqual(['answeredAt', 'hostname', 'ok', 'queries', 'sentAt']);
    } finally {
      out.mockRestore();
      err.mockRestore();
      await fleet.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
