// The simulated TLS logger: result lines from the config's packs, status lines, batch
// limits, results-before-status, and no loss or duplication across failed requests.
import { waitFor, type FakeHost } from './fake-fleet';
import { withFleet } from './harness';

const CONFIG = {
  options: { distributed_interval: 10, logger_tls_period: 10 },
  decorators: { load: ['SELECT uuid AS host_uuid FROM system_info;', 'SELECT hostname AS hostname FROM system_info;'] },
  packs: {
    p: {
      queries: {
        procs: { query: 'select pid, name from processes', interval: 1 },
        users: { query: 'select * from users', interval: 2, snapshot: true },
        mac_only: { query: 'select * from launchd', interval: 1, platform: 'darwin' },
      },
    },
  },
};
// Pack intervals × 0.05: procs every 50 ms, users every 100 ms.
const LOG_OPTS = { hostCount: 1, platforms: 'ubuntu:1', scheduleTimeScale: 0.05, logMaxLines: 5 };

const only = (fleet: { hosts: Map<string, FakeHost> }) => [...fleet.hosts.values()][0]!;

describe('logger', () => {
  it('emits event and snapshot result lines from config packs, with decorations', async () => {
    await withFleet(LOG_OPTS, { config: CONFIG }, async (sim, fleet) => {
      await waitFor(() => {
        const h = only(fleet);
        return h && h.logs.result.some((l) => l.name === 'pack/p/users') && h.logs.result.filter((l) => l.name === 'pack/p/procs').length > 3;
      }, 5000, 'result lines');
      const id = sim.agents[0]!.identity;
      const lines = only(fleet).logs.result;
      expect(lines.some((l) => l.name === 'pack/p/mac_only')).toBe(false);
      const procs = lines.filter((l) => l.name === 'pack/p/procs');
      expect(procs.slice(0, 3).map((l) => [l.action, l.counter])).toEqual([['added', 0], ['added', 0], ['added', 0]]);
      expect(procs[0]).toMatchObject({ hostIdentifier: id.hostname, epoch: 0, numerics: false, decorations: { host_uuid: id.uuid, hostname: id.hostname } });
      expect(Object.keys(procs[0]!.columns)).toEqual(['name', 'pid']);
      const snap = lines.find((l) => l.name === 'pack/p/users')!;
      expect(snap).toMatchObject({ action: 'snapshot', counter: 0 });
      expect(Array.isArray(snap.snapshot)).toBe(true);
      expect(Object.keys(snap.snapshot[0])).toEqual(['description', 'directory', 'gid', 'gid_signed', 'shell', 'uid', 'uid_signed', 'username', 'uuid']);
    });
  });

  it('sends ≤ logMaxLines per request, results before status, plus periodic status lines', async () => {
    await withFleet(LOG_OPTS, { config: CONFIG }, async (_sim, fleet) => {
      await waitFor(() => only(fleet)?.logs.status.some((l) => String(l.message).startsWith('Executing scheduled query')), 5000, 'periodic status');
      const logs = fleet.requestsTo('/log');
      for (const r of logs) {
        expect(r.body.data.length).toBeGreaterThan(0);
        expect(r.body.data.length).toBeLessThanOrEqual(5);
        expect(Object.keys(r.body)).toEqual(['data', 'log_type', 'node_key']);
      }
      // The first flush carries both types: the result request comes first.
      expect(logs.slice(0, 2).map((r) => r.body.log_type)).toEqual(['result', 'status']);
      const status = only(fleet).logs.status;
      expect(status[0]).toMatchObject({ severity: '0', filename: 'query.cpp', version: '4.6.0' });
      expect(status.some((l) => l.message === 'Storing initial results for new scheduled query: pack/p/procs')).toBe(true);
    });
  });

  it('keeps lines across failed requests: nothing lost, nothing duplicated', async () => {
    await withFleet({ ...LOG_OPTS, logMaxLines: 1024 }, { config: CONFIG }, async (sim, fleet) => {
      await waitFor(() => only(fleet), 3000, 'enrolment');
      fleet.failNext.set('/api/v1/osquery/log', 3);
      await waitFor(() => fleet.requestsTo('/log').filter((r) => r.status === 200).length >= 4, 5000, 'recovery');
      await sim.stop();
      const h = only(fleet);
      const received = h.logs.result.map((l) => JSON.stringify(l));
      expect(new Set(received).size).toBe(received.length);
      const procs = h.logs.result.filter((l) => l.name === 'pack/p/procs' && l.action === 'added').map((l) => l.counter as number);
      // Counters arrive in order with no gap after the first run (counter 0 ×3).
      const later = procs.filter((c) => c > 0);
      expect(later).toEqual(later.map((_, i) => i + 1));
      const s = sim.stats();
      expect(s.events.resultLinesSent).toBe(h.logs.result.length);
      expect(s.events.statusLinesSent).toBe(h.logs.status.length);
      expect(s.endpoints.log.errors).toBe(3);
    });
  });
});
