import autocannon from 'autocannon';
import { readCounter } from './fleet-server';

export interface LoadResult {
  requestsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** Runs autocannon with POST bodies cycled over `bodies`, at `connections` concurrency. */
export async function runLoad(url: string, bodies: string[], connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: bodies.map((body) => ({ method: 'POST' as const, body, headers: { 'content-type': 'application/json' } })),
  });
  return {
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** The median of `xs` (the upper one for an even count); `xs` is not changed. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface FleetVsBare {
  fleetRuns: LoadResult[];
  bareRuns: LoadResult[];
  /** Median requests per second of each side. */
  fleetRps: number;
  bareRps: number;
  /** Requests Fleet served over all measured rounds. */
  requests: number;
  /** Datastore statements (fleet_datastore_queries_total) counted during Fleet's rounds. */
  statements: number;
  /** Wall-clock seconds of Fleet's rounds. */
  seconds: number;
  /** Errors, timeouts and non-2xx answers over Fleet's rounds. */
  errors: number;
}

/**
 * Warms both servers, then loads the bare server and Fleet's `fleetUrl` alternately for
 * `rounds` rounds of `seconds`, counting Fleet's datastore statements (read from the metrics
 * of `fleetBaseUrl`) around each Fleet round.
 */
export async function compareWithBare(opts: {
  fleetBaseUrl: string;
  fleetUrl: string;
  bareUrl: string;
  bodies: string[];
  connections: number;
  seconds: number;
  rounds?: number;
}): Promise<FleetVsBare> {
  const { fleetUrl, bareUrl, bodies, connections } = opts;
  const readStatements = () => readCounter(opts.fleetBaseUrl, 'fleet_datastore_queries_total');
  // Warm both (JIT, connection pools), then measure alternately and keep the medians.
  await runLoad(fleetUrl, bodies, connections, 2);
  await runLoad(bareUrl, bodies, connections, 2);
  const fleetRuns: LoadResult[] = [];
  const bareRuns: LoadResult[] = [];
  let statements = 0;
  let seconds = 0;
  for (let round = 0; round < (opts.rounds ?? 3); round++) {
    bareRuns.push(await runLoad(bareUrl, bodies, connections, opts.seconds));
    const before = await readStatements();
    const t0 = Date.now();
    fleetRuns.push(await runLoad(fleetUrl, bodies, connections, opts.seconds));
    seconds += (Date.now() - t0) / 1000;
    statements += (await readStatements()) - before;
  }
  return {
    fleetRuns,
    bareRuns,
    fleetRps: median(fleetRuns.map((r) => r.requestsPerSec)),
    bareRps: median(bareRuns.map((r) => r.requestsPerSec)),
    requests: fleetRuns.reduce((n, r) => n + r.total, 0),
    statements,
    seconds,
    errors: fleetRuns.reduce((n, r) => n + r.errors + r.non2xx, 0),
  };
}
