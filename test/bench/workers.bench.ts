/**
 * Issue 5: `fleet serve --workers 2` on Postgres + Redis against `--workers 1` (same flags,
 * same database and Redis): agent check-in throughput, `distributed/read` with valid node
 * keys of 500 enrolled hosts that have nothing due. Goal: ≥ 1.6× one worker.
 *
 * Both servers run side by side (the idle one costs nothing). The load generator shares the
 * 2 cores, so it is made as cheap as possible: its own process, one thread, HTTP pipelining;
 * wrk when installed (several times cheaper per request than autocannon), else autocannon
 * (FLEET_BENCH_LOADGEN picks one). Alternating 1, 2, 1, 2… for ROUNDS rounds each; medians.
 * The CPU seconds of the generator and of every server process are read from /proc, to
 * show where the two cores went.
 */
import { deleteKeys, testKeyPrefix, TEST_REDIS_URL } from '../support/redis';
import { createDatabase, startFleet, type RunningFleet } from './fleet-server';
import { median } from './load';
import { runLoadProcess, type LoadOptions, type ProcessLoadResult } from './load-process';
import { runWrk, wrkAvailable } from './wrk-load';
import { childPids, cpuDuring } from './proc-cpu';
import { enrollQuietHosts } from './quiet-hosts';
import { recordResult } from './results';

const HOSTS = 500;
const CONNECTIONS = Number(process.env.FLEET_BENCH_CONNECTIONS ?? 50);
const PIPELINING = Number(process.env.FLEET_BENCH_PIPELINING ?? 4);
const SECONDS = 10;
const ROUNDS = Number(process.env.FLEET_BENCH_ROUNDS ?? 5);
const LOADGEN = process.env.FLEET_BENCH_LOADGEN ?? (wrkAvailable() ? 'wrk' : 'autocannon');
const generate = (o: LoadOptions) => (LOADGEN === 'wrk' ? runWrk(o) : runLoadProcess(o));

interface Round {
  load: ProcessLoadResult;
  /** CPU seconds per second of wall time: server processes (sum) and the load generator. */
  serverCores: number;
  workerCores: number[];
  generatorCores: number;
}

async function measure(fleet: RunningFleet, bodies: string[], seconds: number): Promise<Round> {
  // The workers (cluster children), or the one server process itself.
  const workers = childPids(fleet.child.pid!);
  const pids = [fleet.child.pid!, ...workers];
  const { result: load, cpu } = await cpuDuring(pids, () =>
    generate({ url: `${fleet.url}/api/v1/osquery/distributed/read`, bodies, connections: CONNECTIONS, pipelining: PIPELINING, seconds }),
  );
  const per = (s: number) => +(s / load.elapsed).toFixed(2);
  return {
    load,
    serverCores: per(cpu.reduce((a, b) => a + b, 0)),
    workerCores: (workers.length ? cpu.slice(1) : cpu).map(per),
    generatorCores: per(load.generatorCpu),
  };
}

test('--workers 2 vs --workers 1 on Postgres + Redis: distributed/read throughput', async () => {
  const db = await createDatabase();
  const prefix = testKeyPrefix();
  const env = { FLEET_REDIS_URL: TEST_REDIS_URL, FLEET_REDIS_KEY_PREFIX: prefix };
  const fleets: RunningFleet[] = [];
  try {
    const one = await startFleet(db.url, { ...env, FLEET_SERVER_WORKERS: '1' });
    fleets.push(one);
    const two = await startFleet(db.url, { ...env, FLEET_SERVER_WORKERS: '2' });
    fleets.push(two);
    if (childPids(two.child.pid!).length !== 2) throw new Error('--workers 2 did not fork two workers');
    const keys = await enrollQuietHosts(one.url, one.enrollSecret, HOSTS);
    const bodies = keys.map((k) => JSON.stringify({ node_key: k }));
    // Warm both (JIT, node-key caches of every worker).
    await measure(one, bodies, 3);
    await measure(two, bodies, 3);
    const ones: Round[] = [];
    const twos: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ones.push(await measure(one, bodies, SECONDS));
      twos.push(await measure(two, bodies, SECONDS));
    }
    const rps1 = median(ones.map((r) => r.load.requestsPerSec));
    const rps2 = median(twos.map((r) => r.load.requestsPerSec));
    const side = (rs: Round[], rps: number) => ({
      rps: Math.round(rps),
      rounds_rps: rs.map((r) => Math.round(r.load.requestsPerSec)).join(' '),
      p99_ms: median(rs.map((r) => r.load.p99)),
      server_cores: median(rs.map((r) => r.serverCores)),
      // From the round with the median throughput.
      per_worker_cores: rs.find((r) => r.load.requestsPerSec === rps)!.workerCores.join(' + '),
      generator_cores: median(rs.map((r) => r.generatorCores)),
      server_cpu_us_per_request: Math.round(median(rs.map((r) => (r.serverCores * 1e6) / r.load.requestsPerSec))),
      errors: rs.reduce((n, r) => n + r.load.errors + r.load.non2xx, 0),
    });
    const rows = { 'workers 1 (baseline)': side(ones, rps1), 'workers 2': side(twos, rps2) };
    const ratio = +(rps2 / rps1).toFixed(2);
    console.table(rows);
    console.log(`${LOADGEN}, connections ${CONNECTIONS}, pipelining ${PIPELINING}, ${ROUNDS} rounds of ${SECONDS} s; ratio workers 2 / workers 1 = ${ratio} (goal ≥ 1.6)`);
    recordResult('workers', { generator: LOADGEN, connections: CONNECTIONS, pipelining: PIPELINING, rounds: ROUNDS, seconds: SECONDS, rows, ratio });
    expect(rows['workers 1 (baseline)'].errors).toBe(0);
    expect(rows['workers 2'].errors).toBe(0);
    expect(ratio).toBeGreaterThanOrEqual(1.6);
  } finally {
    for (const f of fleets) await f.stop();
    await db.drop();
    await deleteKeys(prefix);
  }
});
