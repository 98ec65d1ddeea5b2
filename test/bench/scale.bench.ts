/**
 * Issue 3, figure 2: N simulated hosts (mixed platforms) at Fleet's stock intervals
 * (distributed 10 s, logger 10 s, config 60 s) against one `fleet serve` process on
 * Postgres. The agents enroll over a ramp (150 enrollments/s, each followed by its
 * detail and label answers), then a 2-minute steady-state window is measured by the
 * simulator (`--warmup`). Goal at 10,000 hosts: p99 latency under 100 ms on every agent
 * route in the window and zero errors over the whole run (the server's own non-2xx
 * count on agent routes, ramp included). Host counts come from FLEET_BENCH_HOSTS
 * (default "10000,25000"); the largest count that holds is reported. The baseline for
 * the server's cost is its own idle RSS before the agents arrive.
 */
import { cpuBetween, cpuOf, pidsByName } from './proc-cpu';
import { rssMB, sleep } from './process-probe';
import { createDatabase, startFleet } from './fleet-server';
import { agentErrorCount } from './server-metrics';
import { recordResult } from './results';
import { startSimulator, type RunningSimulator } from './simulator';

const COUNTS = (process.env.FLEET_BENCH_HOSTS ?? '10000,25000').split(',').map(Number);
const STEADY_S = Number(process.env.FLEET_BENCH_SECONDS ?? 120);
const ENROLL_PER_S = 150;
const SETTLE_S = 20;
const SIM_PROCESSES = Number(process.env.FLEET_BENCH_SIM_PROCESSES ?? 1);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

test('steady agent load at Fleet stock intervals', async () => {
  const rows = [];
  for (const hosts of COUNTS) {
    const db = await createDatabase();
    const fleet = await startFleet(db.url);
    let sim: RunningSimulator | undefined;
    try {
      const idleRss = rssMB(fleet.child.pid!);
      const rampS = Math.ceil(hosts / ENROLL_PER_S);
      const warmupS = rampS + SETTLE_S;
      sim = startSimulator({
        'server-url': fleet.url,
        'enroll-secret': fleet.enrollSecret,
        'host-count': hosts,
        'start-period': `${rampS}s`,
        'query-interval': '10s',
        'log-interval': '10s',
        'config-interval': '60s',
        warmup: `${warmupS}s`,
        duration: `${warmupS + STEADY_S}s`,
        seed: 42,
        'max-sockets': 512,
        processes: SIM_PROCESSES,
      });
      // Server and Postgres CPU over (about) the simulator's measurement window.
      await Promise.race([sleep(warmupS * 1000), sim.report]); // a failed simulator fails the bench at once
      const cpu0 = { server: cpuOf([fleet.child.pid!]), pg: cpuOf(pidsByName('postgres')), at: Date.now() };
      const report = await sim.report;
      const cpu1 = { server: cpuOf([fleet.child.pid!]), pg: cpuOf(pidsByName('postgres')), at: Date.now() };
      const windowS = (cpu1.at - cpu0.at) / 1000;
      const eps = Object.entries(report.endpoints).filter(([, e]) => e.requests > 0);
      const p99 = Math.max(...eps.map(([, e]) => e.latencyMs.p99));
      const simErrors = eps.reduce((n, [, e]) => n + e.errors, 0);
      const serverErrors = await agentErrorCount(fleet.url);
      const requests = eps.reduce((n, [, e]) => n + e.requests, 0);
      const row = {
        hosts,
        ramp_s: rampS,
        enrolled: report.agents.enrolled,
        steady_requests: requests,
        steady_rps: Math.round(requests / report.elapsedSeconds),
        worst_p99_ms: Math.round(p99 * 10) / 10,
        ...Object.fromEntries(eps.map(([name, e]) => [`${name}_p99`, Math.round(e.latencyMs.p99 * 10) / 10])),
        steady_errors: simErrors,
        sim_processes: report.process?.processes ?? 1,
        sim_cores: report.process ? round(report.process.cores, 2) : NaN,
        sim_us_per_request: report.process ? Math.round((report.process.cpuSeconds / requests) * 1e6) : NaN,
        sim_loop_delay_p99_ms: report.process?.eventLoopDelayMs.p99 ?? NaN,
        server_cores: round(cpuBetween(cpu0.server, cpu1.server) / windowS, 2),
        postgres_cores: round(cpuBetween(cpu0.pg, cpu1.pg) / windowS, 2),
        server_non2xx_whole_run: serverErrors,
        server_idle_rss_mb: Math.round(idleRss),
        server_rss_mb: Math.round(rssMB(fleet.child.pid!)),
        holds: p99 < 100 && simErrors === 0 && serverErrors === 0 && report.agents.enrolled === hosts,
      };
      console.table([row]);
      rows.push(row);
    } finally {
      await sim?.stop().catch(() => undefined);
      await fleet.stop();
      await db.drop();
    }
  }
  const largest = rows.filter((r) => r.holds).reduce((m, r) => Math.max(m, r.hosts), 0);
  console.log(`largest host count that holds (p99 < 100 ms, zero errors): ${largest || 'none'}`);
  recordResult('scale', { rows, largest_holding: largest });
  const tenK = rows.find((r) => r.hosts === 10000);
  if (tenK) expect(tenK.holds).toBe(true);
});
