// Pack targeting across two server instances sharing Postgres and Redis: a pack written on
// one reaches agents checking in on the other, and a host's new label membership learned on
// one instance changes the packs the other instance hands that host.
import type { Server } from '../../cmd/fleet/serve';
import { deleteKeys, describeIfRedis, testKeyPrefix, TEST_REDIS_URL } from '../support/redis';
import { describeIfPostgres } from '../support/services';
import { eventually, startFleet, startSecondInstance, type RunningFleet } from './support';

async function agentCall(baseUrl: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}/api/v1/osquery/${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

describeIfPostgres('packs across two instances (Postgres + Redis)', () => {
  describeIfRedis('agent on one instance, operator and label answers on either', () => {
    let a: RunningFleet;
    let b: Server;
    const prefix = testKeyPrefix();

    beforeAll(async () => {
      a = await startFleet('postgres', (c) => {
        c.redis.url = TEST_REDIS_URL;
        c.redis.key_prefix = prefix;
      });
      b = await startSecondInstance(a);
    }, 30_000);

    afterAll(async () => {
      await b?.close();
      await a?.close();
      await deleteKeys(prefix);
    }, 30_000);

    it('hands the host the pack of a label it joined on the other instance', async () => {
      const { specs } = await a.api.get('/spec/enroll_secret');
      const secret = specs.secrets[0].secret as string;
      const { node_key: nodeKey } = await agentCall(a.server.url, 'enroll', { enroll_secret: secret, host_identifier: 'two-instances-host' });
      const packsOnB = async () => Object.keys((await agentCall(b.url, 'config', { node_key: nodeKey })).packs ?? {});

      // The operator (on A) makes a label and a pack targeting it.
      const label = (await a.api.request('POST', '/labels', { name: 'has-sshd', query: "select 1 from processes where name = 'sshd';" })).body.label;
      await a.api.request('POST', '/spec/queries', { specs: [{ name: 'sshd_config', query: 'select * from file;' }] });
      const applied = await a.api.request('POST', '/spec/packs', {
        specs: [{ name: 'ssh-watch', targets: { labels: ['has-sshd'] }, queries: [{ query: 'sshd_config', interval: 60 }] }],
      });
      expect(applied.status).toBe(200);

      // B caches the host's memberships: not a member yet, so no pack.
      expect(await packsOnB()).toEqual([]);

      // The host answers its label query on A: a match.
      const read = await agentCall(a.server.url, 'distributed/read', { node_key: nodeKey });
      const labelQuery = `fleet_label_query_${label.id}`;
      expect(Object.keys(read.queries)).toContain(labelQuery);
      await agentCall(a.server.url, 'distributed/write', {
        node_key: nodeKey,
        queries: { [labelQuery]: [{ '1': '1' }] },
        statuses: { [labelQuery]: 0 },
      });

      // B drops its cached memberships for that host and serves the pack on the next fetch.
      await eventually(async () => expect(await packsOnB()).toEqual(['ssh-watch']), 5000);
    });
  });
});
