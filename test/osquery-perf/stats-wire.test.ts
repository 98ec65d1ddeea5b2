// The simulator's per-endpoint counters agree with what the server actually saw.
import { ENDPOINTS } from '../../cmd/osquery-perf/stats';
import { ROUTES } from '../../cmd/osquery-perf/http-client';
import { waitFor } from './fake-fleet';
import { withFleet } from './harness';

describe('stats', () => {
  it('count requests, errors and node_invalid per endpoint exactly', async () => {
    await withFleet({ hostCount: 3 }, { config: { packs: { p: { queries: { q: { query: 'select 1', interval: 1 } } } } } }, async (sim, fleet) => {
      fleet.failNext.set('/api/v1/osquery/config', 1);
      fleet.failNext.set('/api/v1/osquery/distributed/read', 2);
      await waitFor(() => fleet.requestsTo('/distributed/write').length >= 3, 5000, 'writes');
      fleet.invalidateAllKeys();
      await waitFor(() => [...fleet.hosts.values()].every((h) => h.enrollCount === 2), 5000, 're-enrolment');
      const final = await sim.stop();
      for (const e of ENDPOINTS) {
        const seen = fleet.requests.filter((r) => r.path === ROUTES[e]);
        expect({ e, requests: final.endpoints[e].requests }).toEqual({ e, requests: seen.length });
        expect({ e, errors: final.endpoints[e].errors }).toEqual({ e, errors: seen.filter((r) => r.status !== 200).length });
        expect({ e, nodeInvalid: final.endpoints[e].nodeInvalid }).toEqual({ e, nodeInvalid: seen.filter((r) => r.status === 401).length });
        if (seen.length > 0) {
          expect(final.endpoints[e].latencyMs.max).toBeGreaterThan(0);
          expect(final.endpoints[e].latencyMs.p50).toBeLessThanOrEqual(final.endpoints[e].latencyMs.p99);
          expect(final.endpoints[e].rate).toBeGreaterThan(0);
        }
      }
      expect(final.endpoints.config.errors).toBeGreaterThanOrEqual(1);
      expect(final.endpoints.distributed_read.errors).toBeGreaterThanOrEqual(2);
      expect(final.agents.total).toBe(3);
    });
  });

  it('stops by itself after durationMs and resolves `finished`', async () => {
    await withFleet({ hostCount: 2, durationMs: 300 }, {}, async (sim) => {
      const t0 = Date.now();
      const final = await sim.finished;
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(final.endpoints.enroll.requests).toBe(2);
    });
  });
});
