/**
 * Issue 4, figure 1: `/api/v1/osquery/config` for a host targeted by 10 packs of 20 scheduled
 * queries each (5 packs target the host explicitly, 5 through the All Hosts label), against a
 * bare `node:http` server answering a JSON body of the same size, in the same run, at the same
 * concurrency. Goal: at least 0.35× the bare server's requests/s, and no SQL per request
 * (counted from the server's `fleet_datastore_queries_total`: the only statements during the
 * run must be the once-a-second seen_time flushes).
 */
import { createDatabase, startBareServer, startFleet } from './fleet-server';
import { compareWithBare, median } from './load';
import { recordResult } from './results';

const PACKS = 10;
const QUERIES_PER_PACK = 20;
const CONNECTIONS = 50;
const SECONDS = 10;
const ALL_HOSTS_LABEL = 6;

async function call(method: string, url: string, token: string | null, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Enrolls one host and creates the packs through the REST API; returns its node key. */
async function seedPacks(url: string, token: string, secret: string): Promise<string> {
  const { node_key: nodeKey } = await call('POST', `${url}/api/v1/osquery/enroll`, null, {
    enroll_secret: secret,
    host_identifier: 'bench-config-host',
    host_details: { os_version: { platform: 'ubuntu', name: 'Ubuntu', major: '22', minor: '4', patch: '0' } },
  });
  const { hosts } = await call('GET', `${url}/api/v1/fleet/hosts`, token);
  const hostId = hosts[0].id as number;
  const api = `${url}/api/v1/fleet`;
  for (let p = 0; p < PACKS; p++) {
    const targets = p % 2 === 0 ? { host_ids: [hostId] } : { label_ids: [ALL_HOSTS_LABEL] };
    const { pack } = await call('POST', `${api}/packs`, token, { name: `bench pack ${p}`, description: 'config bench', ...targets });
    for (let i = 0; i < QUERIES_PER_PACK; i++) {
      const { query } = await call('POST', `${api}/queries`, token, {
        name: `bench query ${p}-${i}`,
        description: '',
        query: `SELECT pid, name, path, cmdline, uid, resident_size FROM processes WHERE name LIKE '%bench${p}_${i}%';`,
      });
      await call('POST', `${api}/schedule`, token, {
        pack_id: pack.id,
        query_id: query.id,
        interval: 300 + i,
        snapshot: i % 4 === 0,
        removed: i % 4 === 0 ? undefined : false,
        platform: i % 3 === 0 ? 'linux' : undefined,
        shard: i % 5 === 0 ? 50 : undefined,
      });
    }
  }
  return nodeKey as string;
}

test('/config for a host targeted by 10 packs × 20 scheduled queries vs a bare node:http server', async () => {
  const db = await createDatabase();
  const fleet = await startFleet(db.url);
  let bare: Awaited<ReturnType<typeof startBareServer>> | null = null;
  try {
    const nodeKey = await seedPacks(fleet.url, fleet.token, fleet.enrollSecret);
    const configUrl = `${fleet.url}/api/v1/osquery/config`;
    const configRes = await fetch(configUrl, { method: 'POST', body: JSON.stringify({ node_key: nodeKey }) });
    const configText = await configRes.text();
    const config = JSON.parse(configText);
    const packNames = Object.keys(config.packs ?? {});
    const scheduled = packNames.reduce((n, p) => n + Object.keys(config.packs[p].queries).length, 0);
    if (packNames.length !== PACKS || scheduled !== PACKS * QUERIES_PER_PACK) {
      throw new Error(`config has ${packNames.length} packs / ${scheduled} queries`);
    }
    bare = await startBareServer(configText);
    const bodies = [JSON.stringify({ node_key: nodeKey })];
    const { fleetRuns, bareRuns, fleetRps, bareRps, requests, statements, seconds, errors } = await compareWithBare({
      fleetBaseUrl: fleet.url,
      fleetUrl: configUrl,
      bareUrl: `${bare.url}/`,
      bodies,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    const row = {
      packs: PACKS,
      scheduled_queries: scheduled,
      config_bytes: Buffer.byteLength(configText),
      connections: CONNECTIONS,
      bare_rps: Math.round(bareRps),
      fleet_rps: Math.round(fleetRps),
      ratio: +(fleetRps / bareRps).toFixed(2),
      fleet_p99_ms: median(fleetRuns.map((r) => r.p99)),
      bare_p99_ms: median(bareRuns.map((r) => r.p99)),
      requests,
      sql_statements: statements,
      seen_flushes_allowed: Math.ceil(seconds) + 3,
      sql_per_request: +(statements / requests).toFixed(6),
      errors,
    };
    console.table([row]);
    recordResult('config', row);
    expect(row.errors).toBe(0);
    expect(row.ratio).toBeGreaterThanOrEqual(0.35);
    // Only the once-a-second seen_time flushes may touch the database.
    expect(statements).toBeLessThanOrEqual(row.seen_flushes_allowed);
  } finally {
    await bare?.stop();
    await fleet.stop();
    await db.drop();
  }
});
