/**
 * Issue 5: a live query to 10,000 simulated hosts. Goal: 100% of results reach a WebSocket
 * client, and the p95 time from an agent sending its distributed/write to the client
 * receiving that host's result is under 1 s.
 *
 * Production shape: `fleet serve` on Postgres + Redis (results travel through Redis pub/sub,
 * as with several instances); osquery-perf in its own process at Fleet's stock intervals
 * (distributed 10 s), its --write-log giving each write's send time; the client is the raw
 * /results/websocket protocol in this process. Send and receive times are both wall-clock
 * (timeOrigin + performance.now()) on the one machine.
 * Baselines in the same window: the server's /healthz p95 (one SQL statement + Redis ping)
 * and the p95 HTTP round trip of the very writes that carried the results.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys, testKeyPrefix, TEST_REDIS_URL } from '../support/redis';
import { createDatabase, readCounter, startFleet } from './fleet-server';
import { sleep } from './process-probe';
import { openResultStream } from './result-stream';
import { recordResult } from './results';
import { percentile, sampleLatency } from './sampler';
import { cpuBetween, cpuOf, pidsByName } from './proc-cpu';
import { agentErrorCount } from './server-metrics';
import { startSimulator } from './simulator';
import { readWriteLog, writeToClientLatencies } from './write-latency';

const HOSTS = Number(process.env.FLEET_BENCH_HOSTS ?? 10_000);
const QUERY_INTERVAL_S = 10;
const ENROLL_PER_S = 150;
const SQL = 'SELECT * FROM osquery_info';

async function api(baseUrl: string, token: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}/api/v1/fleet${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1000);
  }
}

test('live query to 10,000 simulated hosts: every result reaches a WebSocket client, p95 write→client < 1 s', async () => {
  const db = await createDatabase();
  const prefix = testKeyPrefix();
  // FLEET_BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the server (on exit) there.
  const prof = process.env.FLEET_BENCH_CPU_PROF;
  const fleet = await startFleet(db.url, { FLEET_REDIS_URL: TEST_REDIS_URL, FLEET_REDIS_KEY_PREFIX: prefix }, prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []);
  const dir = mkdtempSync(join(tmpdir(), 'fleet-fanout-'));
  const writeLog = join(dir, 'writes.jsonl');
  const rampS = Math.ceil(HOSTS / ENROLL_PER_S);
  const sim = startSimulator({
    'server-url': fleet.url,
    'enroll-secret': fleet.enrollSecret,
    'host-count': HOSTS,
    'start-period': `${rampS}s`,
    'query-interval': `${QUERY_INTERVAL_S}s`,
    'log-interval': '10s',
    'config-interval': '60s',
    seed: 42,
    'max-sockets': 512,
    'write-log': writeLog,
  });
  try {
    // Every host enrolled (All Hosts membership is written at enrollment) and online.
    const allHosts = await until('all hosts enrolled', (rampS + 120) * 1000, async () => {
      const { labels } = await api(fleet.url, fleet.token, '/labels');
      const label = labels.find((l: any) => l.name === 'All Hosts');
      const summary = await api(fleet.url, fleet.token, '/host_summary');
      return label?.count === HOSTS && summary.online_count === HOSTS ? label : undefined;
    });
    // One more interval: the last enrolled hosts answer their detail and label queries.
    await sleep((QUERY_INTERVAL_S + 5) * 1000);

    // Who uses the 2 cores during the campaign: server, simulator, this process, Postgres, Redis.
    const groups = () => ({ server: [fleet.child.pid!], simulator: [sim.pid], postgres: pidsByName('postgres'), redis: pidsByName('redis-server') });
    const cpuBefore = Object.fromEntries(Object.entries(groups()).map(([k, pids]) => [k, cpuOf(pids)]));
    const benchCpu = process.cpuUsage();
    const sqlBefore = await readCounter(fleet.url, 'fleet_datastore_queries_total');
    const healthz = sampleLatency(`${fleet.url}/healthz`, 50);
    const { campaign } = await api(fleet.url, fleet.token, '/queries/run', { query: SQL, selected: { hosts: [], labels: [allHosts.id] } });
    const stream = await openResultStream(fleet.url, fleet.token, campaign.id);
    const started = Date.now();
    // Two intervals for the hosts, a third for any whose first write came before the client subscribed.
    await until('all results', (3 * QUERY_INTERVAL_S + 30) * 1000, async () => (stream.receivedAt.size >= HOSTS || stream.serverErrors.length ? true : undefined)).catch(
      () => undefined,
    );
    const allInMs = Date.now() - started;
    const cores = Object.fromEntries(
      Object.entries(groups()).map(([k, pids]) => [`${k}_cores`, +(cpuBetween(cpuBefore[k]!, cpuOf(pids)) / (allInMs / 1000)).toFixed(2)]),
    );
    const sqlInWindow = (await readCounter(fleet.url, 'fleet_datastore_queries_total')) - sqlBefore;
    const bc = process.cpuUsage(benchCpu);
    cores.bench_client_cores = +((bc.user + bc.system) / 1e3 / allInMs).toFixed(2);
    // The stream re-counts every 5 s (Fleet's ticker) before it says finished.
    await until('finished status', 15_000, async () => (stream.lastStatus()?.status === 'finished' ? true : undefined)).catch(() => undefined);
    const healthzMs = await healthz.stop();
    stream.close();
    const report = await sim.stop();
    const serverErrors = await agentErrorCount(fleet.url);

    const query = `fleet_distributed_query_${campaign.id}`;
    const events = readWriteLog(writeLog);
    const liveWrites = events.filter((e) => e.queries.includes(query));
    const lat = writeToClientLatencies(events, query, stream.receivedAt);
    const toClient = lat.map((l) => l.writeToClientMs);
    const roundTrip = lat.map((l) => l.writeRoundTripMs);
    const status = stream.lastStatus();
    const p95 = percentile(toClient, 95);
    const row = {
      store: 'postgres + redis',
      hosts: HOSTS,
      distributed_interval_s: QUERY_INTERVAL_S,
      expected_results: status?.expected_results,
      results_received: stream.receivedAt.size,
      result_messages: stream.results(),
      result_errors: stream.errors(),
      final_status: status ? `${status.status} ${status.actual_results}/${status.expected_results}` : 'none',
      all_results_in_s: +(allInMs / 1000).toFixed(1),
      live_write_attempts: liveWrites.length,
      live_writes_refused: liveWrites.filter((e) => !e.ok).length,
      write_to_client_p50_ms: +percentile(toClient, 50).toFixed(1),
      write_to_client_p95_ms: +p95.toFixed(1),
      write_to_client_p99_ms: +percentile(toClient, 99).toFixed(1),
      write_to_client_max_ms: +Math.max(...toClient).toFixed(1),
      write_round_trip_p95_ms: +percentile(roundTrip, 95).toFixed(1),
      healthz_p95_ms: +percentile(healthzMs, 95).toFixed(1),
      healthz_samples: healthzMs.length,
      p95_vs_write_round_trip: +(p95 / percentile(roundTrip, 95)).toFixed(2),
      p95_vs_healthz: +(p95 / percentile(healthzMs, 95)).toFixed(2),
      sql_statements_in_window: sqlInWindow,
      ...cores,
      agent_requests_per_s: Math.round(Object.values(report.endpoints).reduce((n, e) => n + e.requests, 0) / report.elapsedSeconds),
      sim_errors: Object.values(report.endpoints).reduce((n, e) => n + e.errors, 0),
      server_non2xx: serverErrors,
      stream_errors: stream.serverErrors.join('; '),
    };
    console.table([row]);
    recordResult('live-query-fanout', row);
    expect(row.stream_errors).toBe('');
    expect(row.expected_results).toBe(HOSTS);
    // 100 %: every targeted host's result, once each, and the stream saw them all.
    expect(row.results_received).toBe(HOSTS);
    expect(row.result_messages).toBe(HOSTS);
    expect(row.final_status).toBe(`finished ${HOSTS}/${HOSTS}`);
    expect(lat.length).toBe(HOSTS);
    expect(row.write_to_client_p95_ms).toBeLessThan(1000);
  } finally {
    await sim.stop().catch(() => undefined);
    await fleet.stop();
    await db.drop();
    await deleteKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  }
});
