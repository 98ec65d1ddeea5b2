// End-to-end over HTTP against the fake Fleet: enrolment, config, detail and label
// answers, re-enrolment, start spreading, determinism and interval handling.
import { waitFor, type FakeHost } from './fake-fleet';
import { describeWithFixtures, fixture } from './fixtures';
import { withFleet } from './harness';
import type { Agent } from '../../cmd/osquery-perf/agent';

const allAnswered = (hosts: Iterable<FakeHost>, n: number) => {
  const list = [...hosts];
  return list.length === n && list.every((h) => h.detailsAnswered && h.labelsAnswered);
};
const hostOf = (agent: Agent, hosts: Map<string, FakeHost>) => hosts.get(agent.identity.hostname)!;

describe('osquery-perf agents against a fake Fleet', () => {
  it('enroll with osquery-shaped bodies, fetch config first, send osquery headers', async () => {
    await withFleet({}, {}, async (sim, fleet) => {
      await waitFor(() => allAnswered(fleet.hosts.values(), 4), 5000, 'details and labels');
      const platformType: Record<string, string> = { ubuntu: '9', centos: '9', darwin: '21', windows: '2' };
      for (const agent of sim.agents) {
        const host = hostOf(agent, fleet.hosts);
        const body = host.enrollBodies[0]!;
        expect(Object.keys(body)).toEqual(['enroll_secret', 'host_identifier', 'platform_type', 'host_details']);
        expect(body.host_identifier).toBe(agent.identity.hostname);
        expect(body.platform_type).toBe(platformType[agent.identity.platform]);
        expect(Object.keys(body.host_details)).toEqual(['os_version', 'osquery_info', 'platform_info', 'system_info']);
        // osqueryd asks for its config before the first distributed read.
        const mine = fleet.requests.filter((r) => r.body.node_key === host.nodeKey);
        expect(mine[0]!.path).toBe('/api/v1/osquery/config');
        expect(Object.keys(mine[0]!.body)).toEqual(['node_key']);
        const write = mine.find((r) => r.path.endsWith('/distributed/write'))!;
        const expectKeys = agent.identity.platform === 'windows' ? ['queries', 'statuses', 'messages', 'stats', 'node_key'] : ['queries', 'statuses', 'messages', 'node_key'];
        expect(Object.keys(write.body)).toEqual(expectKeys);
        expect(write.headers['user-agent']).toBe(`osquery/${agent.identity.template.osqueryVersion}`);
        expect(write.headers['content-type']).toBe('application/json');
      }
      expect(sim.stats().agents).toEqual({ total: 4, started: 4, enrolled: 4 });
    });
  });

  describeWithFixtures('detail answers', () => {
    it('have the fixture row shapes per platform, numeric statuses and empty messages', async () => {
      await withFleet({}, {}, async (sim, fleet) => {
        await waitFor(() => allAnswered(fleet.hosts.values(), 4), 5000, 'details');
        for (const agent of sim.agents) {
          const want = fixture(`distributed-write-details-${agent.identity.platform}.json`).queries;
          const host = hostOf(agent, fleet.hosts);
          for (const name of Object.keys(want)) {
            const got = host.results.get(name)!;
            expect({ name, keys: Object.keys(got.rows[0]!) }).toEqual({ name, keys: Object.keys(want[name][0]) });
            expect(got.status).toBe(0);
            expect(got.message).toBe('');
          }
          expect(host.results.get('fleet_detail_query_system_info')!.rows[0]).toMatchObject({ hostname: agent.identity.hostname, uuid: agent.identity.uuid });
          expect(host.results.get('fleet_detail_query_network_interface')!.rows).toContainEqual({ address: agent.identity.ipv4, mac: agent.identity.macs[0] });
        }
        // Answered once each: the fake stops sending them after the first write.
        expect(sim.stats().events.detailQueries).toBe(4 * 6);
      });
    });
  });

  it('answers label queries with the rule engine', async () => {
    await withFleet({}, {}, async (sim, fleet) => {
      await waitFor(() => allAnswered(fleet.hosts.values(), 4), 5000, 'labels');
      const expected: Record<string, string[]> = { ubuntu: ['6', '8'], centos: ['6', '9'], darwin: ['6', '7'], windows: ['6', '10'] };
      for (const agent of sim.agents) {
        const host = hostOf(agent, fleet.hosts);
        const members = ['6', '7', '8', '9', '10'].filter((id) => host.results.get(`fleet_label_query_${id}`)!.rows.length > 0);
        expect({ p: agent.identity.platform, members }).toEqual({ p: agent.identity.platform, members: expected[agent.identity.platform] });
        expect(host.results.get('fleet_label_query_6')!.rows).toEqual([{ '1': '1' }]);
        expect(host.results.get('fleet_label_query_6')!.status).toBe(0);
      }
      expect(sim.stats().events).toMatchObject({ labelQueries: 20, labelMatches: 8 });
    });
  });

  it('accepts the 3.2.0 kolide_ query prefixes', async () => {
    await withFleet({ hostCount: 1 }, { prefix: 'kolide' }, async (_sim, fleet) => {
      await waitFor(() => allAnswered(fleet.hosts.values(), 1), 5000, 'kolide answers');
      const host = [...fleet.hosts.values()][0]!;
      expect(host.results.get('kolide_detail_query_os_version')!.rows).toHaveLength(1);
      expect(host.results.get('kolide_label_query_6')!.rows).toEqual([{ '1': '1' }]);
    });
  });

  it('re-enrolls after node_invalid and carries on with the new key', async () => {
    await withFleet({ hostCount: 3 }, {}, async (sim, fleet) => {
      await waitFor(() => allAnswered(fleet.hosts.values(), 3), 5000, 'first enrolment');
      fleet.invalidateAllKeys();
      await waitFor(() => [...fleet.hosts.values()].every((h) => h.enrollCount === 2 && h.nodeKey), 5000, 're-enrolment');
      const keys = new Set([...fleet.hosts.values()].map((h) => h.nodeKey));
      await waitFor(() => fleet.requests.filter((r) => r.path.endsWith('/distributed/read') && r.status === 200 && keys.has(r.body.node_key)).length >= 3, 5000, 'reads with new keys');
      const s = sim.stats();
      expect(s.events.reenrollments).toBe(3);
      expect(s.events.enrollments).toBe(6);
      const nodeInvalid = Object.values(s.endpoints).reduce((n, e) => n + e.nodeInvalid, 0);
      expect(nodeInvalid).toBeGreaterThanOrEqual(3);
      expect(s.agents.enrolled).toBe(3);
      // Re-enrolment reuses the same identity (same host row in Fleet).
      expect(fleet.hosts.size).toBe(3);
    });
  });

  it('retries enrolment with growing backoff', async () => {
    await withFleet({ hostCount: 1 }, {}, async (sim, fleet) => {
      fleet.failNext.set('/api/v1/osquery/enroll', 3);
      await waitFor(() => sim.agents[0]!.enrolled, 5000, 'enrolment');
      const times = fleet.requestsTo('/enroll').map((r) => r.at);
      expect(times).toHaveLength(4);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(gaps[2]!).toBeGreaterThan(gaps[0]!); // ~20 → ~40 → ~80 ms
      expect(sim.stats().endpoints.enroll).toMatchObject({ requests: 4, errors: 3 });
    });
  });

  it('keeps retrying with a wrong secret and never enrolls', async () => {
    await withFleet({ hostCount: 2, enrollSecret: 'wrong' }, {}, async (sim, fleet) => {
      await waitFor(() => fleet.requestsTo('/enroll').length >= 6, 5000, 'enroll attempts');
      const s = sim.stats();
      expect(s.agents.enrolled).toBe(0);
      expect(s.endpoints.enroll.nodeInvalid).toBe(s.endpoints.enroll.requests);
      expect(s.endpoints.config.requests).toBe(0);
    });
  });

  it('spreads agent starts evenly over the start period', async () => {
    await withFleet({ hostCount: 5, startPeriodMs: 500 }, {}, async (sim, fleet) => {
      expect(sim.stats().agents.started).toBe(1);
      await waitFor(() => fleet.hosts.size === 5, 3000, 'all enrolled');
      const first = sim.agents.map((a) => hostOf(a, fleet.hosts).enrollBodies[0]!);
      expect(first).toHaveLength(5);
      const times = sim.agents.map((a) => fleet.requestsTo('/enroll').find((r) => r.body.host_identifier === a.identity.hostname)!.at);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      for (const g of gaps) {
        expect(g).toBeGreaterThanOrEqual(60);
        expect(g).toBeLessThan(250);
      }
      expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(350);
    });
  });

  it('is deterministic for a fixed seed', async () => {
    const run = async (seed: number) => {
      let bodies: unknown[] = [];
      await withFleet({ seed, hostCount: 4 }, {}, async (sim, fleet) => {
        await waitFor(() => fleet.hosts.size === 4, 3000, 'enrolment');
        bodies = sim.agents.map((a) => {
          const b = structuredClone(hostOf(a, fleet.hosts).enrollBodies[0]!);
          delete b.host_details.osquery_info.start_time; // wall clock
          return b;
        });
      });
      return bodies;
    };
    const a = await run(1234);
    expect(await run(1234)).toEqual(a);
    expect(await run(1235)).not.toEqual(a);
  });

  it('applies server intervals with --follow-server-options and echoes them in osquery_flags', async () => {
    const config = { options: { distributed_interval: 7, logger_tls_period: '3' } };
    await withFleet({ hostCount: 1, followServerOptions: true }, { config }, async (sim, fleet) => {
      await waitFor(() => allAnswered(fleet.hosts.values(), 1), 5000, 'details');
      expect(sim.agents[0]!.runtime.intervals).toMatchObject({ distributedMs: 7000, loggerMs: 3000 });
      const flags = [...fleet.hosts.values()][0]!.results.get('fleet_detail_query_osquery_flags')!.rows;
      expect(flags).toEqual([
        { name: 'config_refresh', value: '1' },
        { name: 'distributed_interval', value: '7' },
        { name: 'logger_tls_period', value: '3' },
      ]);
    });
    await withFleet({ hostCount: 1 }, { config }, async (sim, fleet) => {
      await waitFor(() => fleet.requestsTo('/config').length >= 1 && sim.agents[0]!.config, 3000, 'config');
      expect(sim.agents[0]!.runtime.intervals.distributedMs).toBe(50);
    });
  });

  it('polls faster while an accelerate window is open', async () => {
    const reads = async (accelerate?: number) => {
      let n = 0;
      await withFleet({ hostCount: 1, queryIntervalMs: 400, accelerateIntervalMs: 40 }, accelerate ? { accelerate } : {}, async (_sim, fleet) => {
        await waitFor(() => fleet.requestsTo('/distributed/read').length >= 1, 3000, 'first read');
        await new Promise((r) => setTimeout(r, 500));
        n = fleet.requestsTo('/distributed/read').length;
      });
      return n;
    };
    const [normal, fast] = [await reads(), await reads(10)];
    expect(normal).toBeLessThanOrEqual(3);
    expect(fast).toBeGreaterThanOrEqual(6);
  });

  it('refreshes config every config interval', async () => {
    await withFleet({ hostCount: 1, configIntervalMs: 60 }, {}, async (sim, fleet) => {
      await waitFor(() => fleet.requestsTo('/config').length >= 4, 3000, 'config refreshes');
      expect(sim.stats().events.configsApplied).toBe(1); // same config → same hash → not re-applied
    });
  });
});
