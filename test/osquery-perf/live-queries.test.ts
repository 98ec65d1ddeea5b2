// Live queries over the wire: generated rows, the error rate, and results that survive
// failed writes (osquery keeps and merges them into the next write).
import { waitFor } from './fake-fleet';
import { withFleet } from './harness';

const SQL = "SELECT pid, name, path, cmdline FROM processes WHERE name LIKE 'osquery%'";
const NAME = 'fleet_distributed_query_42';

describe('live queries', () => {
  it('answer with the configured number of rows in the SELECT columns', async () => {
    await withFleet({ liveQueryRows: 3 }, {}, async (sim, fleet) => {
      fleet.campaigns.set(42, SQL);
      await waitFor(() => fleet.hosts.size === 4 && [...fleet.hosts.values()].every((h) => h.results.has(NAME)), 5000, 'answers');
      for (const host of fleet.hosts.values()) {
        const r = host.results.get(NAME)!;
        expect(r.status).toBe(0);
        expect(r.message).toBe('');
        expect(r.rows).toHaveLength(3);
        for (const row of r.rows) {
          expect(Object.keys(row)).toEqual(['pid', 'name', 'path', 'cmdline']);
          expect(row.pid).toMatch(/^\d+$/);
        }
      }
      expect(sim.stats().events).toMatchObject({ liveQueries: 4, liveQueryErrors: 0 });
    });
  });

  it('fail with status 1, no rows and a message at error rate 1, and log an error status line', async () => {
    await withFleet({ liveQueryErrorRate: 1, hostCount: 2 }, {}, async (sim, fleet) => {
      fleet.campaigns.set(43, 'SELECT * FROM windows_crashes');
      const name = 'fleet_distributed_query_43';
      await waitFor(() => fleet.hosts.size === 2 && [...fleet.hosts.values()].every((h) => h.results.has(name)), 5000, 'answers');
      for (const host of fleet.hosts.values()) {
        expect(host.results.get(name)).toEqual({ rows: [], status: 1, message: 'no such table: windows_crashes' });
      }
      expect(sim.stats().events).toMatchObject({ liveQueries: 2, liveQueryErrors: 2 });
      await waitFor(
        () => [...fleet.hosts.values()].every((h) => h.logs.status.some((l) => String(l.message).startsWith(`Error executing distributed query: ${name}`))),
        3000,
        'error status lines',
      );
    });
  });

  it('mixes errors and rows at a fractional error rate', async () => {
    await withFleet({ liveQueryErrorRate: 0.5, hostCount: 40, platforms: 'ubuntu:1' }, {}, async (sim, fleet) => {
      fleet.campaigns.set(42, SQL);
      await waitFor(() => fleet.hosts.size === 40 && [...fleet.hosts.values()].every((h) => h.results.has(NAME)), 8000, 'answers');
      const failed = [...fleet.hosts.values()].filter((h) => h.results.get(NAME)!.status === 1).length;
      expect(failed).toBeGreaterThan(5);
      expect(failed).toBeLessThan(35);
      expect(sim.stats().events.liveQueryErrors).toBe(failed);
    });
  });

  it('keeps unsent results after failed writes and merges them into the next one', async () => {
    await withFleet({ hostCount: 1 }, { deliverCampaignsOnce: true }, async (_sim, fleet) => {
      await waitFor(() => [...fleet.hosts.values()][0]?.detailsAnswered, 5000, 'details');
      fleet.failNext.set('/api/v1/osquery/distributed/write', 2);
      fleet.campaigns.set(42, SQL);
      await waitFor(() => [...fleet.hosts.values()][0]!.delivered.has(NAME), 3000, 'delivery');
      fleet.campaigns.set(44, 'SELECT username, uid, shell FROM users');
      const host = [...fleet.hosts.values()][0]!;
      // Each campaign is handed out once; only the agent's retained results can deliver 42.
      await waitFor(() => host.results.has(NAME) && host.results.has('fleet_distributed_query_44'), 5000, 'retained result');
      const writes = fleet.requestsTo('/distributed/write').filter((r) => r.body.queries?.[NAME]);
      expect(writes.length).toBeGreaterThanOrEqual(3); // 2 failed + 1 accepted
      expect(writes.filter((r) => r.status === 200)).toHaveLength(1);
      const merged = fleet.requestsTo('/distributed/write').find((r) => r.status === 200 && r.body.queries[NAME])!;
      expect(Object.keys(merged.body.queries)).toEqual([NAME, 'fleet_distributed_query_44']);
      // Once accepted, nothing is re-sent.
      const before = fleet.requestsTo('/distributed/write').length;
      await new Promise((r) => setTimeout(r, 200));
      expect(fleet.requestsTo('/distributed/write').length).toBe(before);
    });
  });
});
