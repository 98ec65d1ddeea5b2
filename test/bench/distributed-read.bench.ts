/**
 * Issue 3, figure 1: `distributed/read` when nothing is due, against a bare `node:http`
 * server answering a same-size JSON POST in the same run, at the same concurrency.
 * Goal: at least 0.5× the bare server's requests/s, and zero SQL statements per request
 * (counted from the server's `fleet_datastore_queries_total`; the only statements during
 * the run must be the once-a-second seen_time flushes).
 */
import { createDatabase, startBareServer, startFleet } from './fleet-server';
import { compareWithBare, median } from './load';
import { recordResult } from './results';

const HOSTS = 500;
const CONNECTIONS = 50;
const SECONDS = 10;

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

/** Enrolls hosts and answers every detail and label query they are sent, so nothing is due. */
async function enrollQuietHosts(url: string, secret: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const { node_key } = await post(`${url}/api/v1/osquery/enroll`, {
      enroll_secret: secret,
      host_identifier: `bench-host-${i}`,
      host_details: { os_version: { platform: 'ubuntu', name: 'Ubuntu', major: '20', minor: '4', patch: '0' } },
    });
    const { queries } = await post(`${url}/api/v1/osquery/distributed/read`, { node_key });
    const answers: Record<string, unknown[]> = {};
    const statuses: Record<string, number> = {};
    for (const name of Object.keys(queries)) {
      answers[name] = [];
      statuses[name] = 0;
    }
    await post(`${url}/api/v1/osquery/distributed/write`, { node_key, queries: answers, statuses });
    const again = await post(`${url}/api/v1/osquery/distributed/read`, { node_key });
    if (Object.keys(again.queries).length !== 0) throw new Error(`host ${i} still has work: ${JSON.stringify(again)}`);
    keys.push(node_key);
  }
  return keys;
}

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
