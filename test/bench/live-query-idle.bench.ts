/**
 * Issue 5: a live query in flight must cost agents it does not target nothing measurable.
 * `distributed/read` throughput (nothing due) of 500 untargeted hosts with no campaign,
 * then with 10 active campaigns that target another host. Goal: with ≥ 0.9× without.
 * Same server, same concurrency; medians of 3 runs each.
 */
import { createDatabase, startFleet } from './fleet-server';
import { median, runLoad } from './load';
import { enrollQuietHosts, post } from './quiet-hosts';
import { recordResult } from './results';

const HOSTS = 500;
const CONNECTIONS = 50;
const SECONDS = 10;
const CAMPAIGNS = 10;

test('distributed/read with 10 active campaigns vs none', async () => {
  const db = await createDatabase();
  const fleet = await startFleet(db.url);
  try {
    const keys = await enrollQuietHosts(fleet.url, fleet.enrollSecret, HOSTS + 1);
    const target = keys.pop()!;
    const bodies = keys.map((k) => JSON.stringify({ node_key: k }));
    const url = `${fleet.url}/api/v1/osquery/distributed/read`;
    await runLoad(url, bodies, CONNECTIONS, 2);
    const without = [];
    for (let i = 0; i < 3; i++) without.push(await runLoad(url, bodies, CONNECTIONS, SECONDS));

    const found = (await (
      await fetch(`${fleet.url}/api/v1/fleet/hosts/identifier/bench-host-${HOSTS}`, { headers: { Authorization: `Bearer ${fleet.token}` } })
    ).json()) as { host: { id: number } };
    const targetId = found.host.id;
    for (let i = 0; i < CAMPAIGNS; i++) {
      const res = await fetch(`${fleet.url}/api/v1/fleet/queries/run`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${fleet.token}` },
        body: JSON.stringify({ query: `select ${i} from osquery_info`, selected: { hosts: [targetId], labels: [] } }),
      });
      if (res.status !== 200) throw new Error(`run ${i}: ${res.status} ${await res.text()}`);
    }
    const pending = await post(url, { node_key: target });
    const live = Object.keys(pending.queries).filter((q) => q.startsWith('fleet_distributed_query_')).length;
    const other = await post(url, { node_key: keys[0] });
    const withCampaigns = [];
    for (let i = 0; i < 3; i++) withCampaigns.push(await runLoad(url, bodies, CONNECTIONS, SECONDS));

    const rpsWithout = median(without.map((r) => r.requestsPerSec));
    const rpsWith = median(withCampaigns.map((r) => r.requestsPerSec));
    const row = {
      hosts: HOSTS,
      campaigns_pending_for_target: live,
      untargeted_host_queries: Object.keys(other.queries).length,
      rps_without: Math.round(rpsWithout),
      rps_with_10_campaigns: Math.round(rpsWith),
      ratio: +(rpsWith / rpsWithout).toFixed(2),
      errors: [...without, ...withCampaigns].reduce((n, r) => n + r.errors + r.non2xx, 0),
    };
    console.table([row]);
    recordResult('live-query-idle', row);
    expect(row.campaigns_pending_for_target).toBe(CAMPAIGNS);
    expect(row.untargeted_host_queries).toBe(0);
    expect(row.errors).toBe(0);
    expect(row.ratio).toBeGreaterThanOrEqual(0.9);
  } finally {
    await fleet.stop();
    await db.drop();
  }
});
