/**
 * Issue 3, figure 1: `distributed/read` when nothing is due, against a bare `node:http`
 * server answering a same-size JSON POST in the same run, at the same concurrency.
 * Goal: at least 0.5× the bare server's requests/s, and zero SQL statements per request
 * (counted from the server's `fleet_datastore_queries_total`; the only statements during
 * the run must be the once-a-second seen_time flushes).
 */
import { createDatabase, startBareServer, startFleet } from './fleet-server';
import { compareWithBare, median } from './load';
import { enrollQuietHosts } from './quiet-hosts';
import { recordResult } from './results';

const HOSTS = 500;
const CONNECTIONS = 50;
const SECONDS = 10;

test('distributed/read with nothing due vs a bare node:http server', async () => {
  const db = await createDatabase();
  const fleet = await startFleet(db.url);
  const bare = await startBareServer();
  try {
    const keys = await enrollQuietHosts(fleet.url, fleet.enrollSecret, HOSTS);
    const bodies = keys.map((k) => JSON.stringify({ node_key: k }));
    const { fleetRuns, fleetRps, bareRps, requests, statements, seconds, errors } = await compareWithBare({
      fleetBaseUrl: fleet.url,
      fleetUrl: `${fleet.url}/api/v1/osquery/distributed/read`,
      bareUrl: `${bare.url}/`,
      bodies,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    const row = {
      connections: CONNECTIONS,
      hosts: HOSTS,
      bare_rps: Math.round(bareRps),
      fleet_rps: Math.round(fleetRps),
      ratio: +(fleetRps / bareRps).toFixed(2),
      fleet_p99_ms: median(fleetRuns.map((r) => r.p99)),
      requests,
      sql_statements: statements,
      seen_flushes_allowed: Math.ceil(seconds) + 3,
      sql_per_request: +(statements / requests).toFixed(6),
      errors,
    };
    console.table([row]);
    recordResult('distributed-read', row);
    expect(row.errors).toBe(0);
    expect(row.ratio).toBeGreaterThanOrEqual(0.5);
    // Only the once-a-second seen_time flushes may touch the database.
    expect(statements).toBeLessThanOrEqual(row.seen_flushes_allowed);
  } finally {
    await bare.stop();
    await fleet.stop();
    await db.drop();
  }
});
