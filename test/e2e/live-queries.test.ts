// Live queries end to end: real `fleet serve` instances, simulated agents (osquery-perf) and
// real result-stream clients (`ws` for the raw WebSocket fleetctl uses, `sockjs-client` for
// the web UI's SockJS), checked only through the REST API, the stream and the agent wire.
import { randomBytes } from 'node:crypto';
import SockJS from 'sockjs-client';
import WebSocket from 'ws';
import type { Server } from '../../cmd/fleet/serve';
import type { Simulation } from '../../cmd/osquery-perf/simulation';
import { CAMPAIGN_COMPLETED } from '../../internal/fleet/campaigns';
import { deleteKeys, describeIfRedis, testKeyPrefix, TEST_REDIS_URL } from '../support/redis';
import { describeIfPostgres, queryDatabase } from '../support/services';
import { PASSWORD } from '../support/test-app';
import { eventually, simulateAgents, startFleet, startSecondInstance, type RunningFleet, type Store } from './support';

const HOUR = 3600;
const SQL = 'select * from osquery_info;';
/** The stream re-counts every 5 s (Fleet's ticker): "finished" can take that long after the last result. */
const STREAM_WAIT_MS = 15_000;

// ---- helpers ------------------------------------------------------------------------------

async function post(baseUrl: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function login(baseUrl: string, username: string, password = PASSWORD): Promise<string> {
  const res = await post(baseUrl, '/api/v1/fleet/login', { username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

async function enrollSecret(fleet: RunningFleet): Promise<string> {
  const { specs } = await fleet.api.get('/spec/enroll_secret');
  return specs.secrets.find((s: { name: string }) => s.name === 'default').secret as string;
}

const simulate = simulateAgents;

const hostnamesOf = (sim: Simulation): string[] => sim.agents.map((a) => a.identity.hostname).sort();

/** Waits until every simulated agent is listed under its hostname; returns hostname → host id. */
async function hostIdsOf(fleet: RunningFleet, ...sims: Simulation[]): Promise<Map<string, number>> {
  const wanted = sims.flatMap(hostnamesOf);
  return eventually(async () => {
    const { hosts } = await fleet.api.get('/hosts');
    const ids = new Map<string, number>(hosts.map((h: any) => [h.hostname as string, h.id as number]));
    expect(wanted.filter((n) => !ids.has(n))).toEqual([]);
    return ids;
  }, 15_000);
}

/** A hand-driven osquery agent: we decide when it reads and whether it answers. */
class ManualAgent {
  nodeKey = '';
  readonly hostname = `manual-${randomBytes(4).toString('hex')}`;

  constructor(private readonly baseUrl: string) {}

  async enroll(secret: string): Promise<void> {
    const res = await post(this.baseUrl, '/api/v1/osquery/enroll', {
      enroll_secret: secret,
      host_identifier: this.hostname,
      host_details: { system_info: { hostname: this.hostname, uuid: randomBytes(8).toString('hex') } },
    });
    if (res.status !== 200 || !res.body.node_key) throw new Error(`enroll: ${res.status} ${JSON.stringify(res.body)}`);
    this.nodeKey = res.body.node_key;
  }

  async read(): Promise<Record<string, string>> {
    const res = await post(this.baseUrl, '/api/v1/osquery/distributed/read', { node_key: this.nodeKey });
    if (res.status !== 200) throw new Error(`distributed/read: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.queries ?? {};
  }

  async answer(name: string, rows: Array<Record<string, string>>): Promise<void> {
    const res = await this.write({ [name]: rows });
    if (res.status !== 200) throw new Error(`distributed/write: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** One distributed/write with these answers (all status 0); any HTTP status is returned. */
  write(answers: Record<string, Array<Record<string, string>>>): Promise<{ status: number; body: any }> {
    const statuses = Object.fromEntries(Object.keys(answers).map((n) => [n, 0]));
    return post(this.baseUrl, '/api/v1/osquery/distributed/write', { node_key: this.nodeKey, queries: answers, statuses });
  }
}

const liveName = (campaignId: number) => `fleet_distributed_query_${campaignId}`;

interface StreamClient {
  readonly messages: any[];
  readonly closed: Promise<void>;
  isClosed(): boolean;
  close(): void;
}

type Transport = 'ws' | 'sockjs';

/** Connects, authenticates with `token` and selects the campaign; collects every message. */
function openStream(transport: Transport, baseUrl: string, token: string, campaignId: number): StreamClient {
  const messages: any[] = [];
  let closed = false;
  let resolveClosed!: () => void;
  const closedP = new Promise<void>((r) => (resolveClosed = r));
  const onClose = () => {
    closed = true;
    resolveClosed();
  };
  const handshake = [
    JSON.stringify({ type: 'auth', data: { token } }),
    JSON.stringify({ type: 'select_campaign', data: { campaign_id: campaignId } }),
  ];
  if (transport === 'ws') {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/fleet/results/websocket`);
    socket.on('open', () => handshake.forEach((m) => socket.send(m)));
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    socket.on('error', () => undefined);
    socket.on('close', onClose);
    return { messages, closed: closedP, isClosed: () => closed, close: () => socket.close() };
  }
  const socket = new SockJS(`${baseUrl}/api/v1/fleet/results`);
  socket.onopen = () => handshake.forEach((m) => socket.send(m));
  socket.onmessage = (e: { data: string }) => messages.push(JSON.parse(e.data));
  socket.onclose = onClose;
  return { messages, closed: closedP, isClosed: () => closed, close: () => socket.close() };
}

const ofType = (client: StreamClient, type: string) => client.messages.filter((m) => m.type === type).map((m) => m.data);
const lastStatus = (client: StreamClient) => ofType(client, 'status').at(-1);

/** Waits for the stream to report the campaign finished; returns the results. */
async function untilFinished(client: StreamClient, expected: number): Promise<any[]> {
  await eventually(() => {
    expect(lastStatus(client)).toEqual({ expected_results: expected, actual_results: expected, status: 'finished' });
  }, STREAM_WAIT_MS);
  return ofType(client, 'result');
}

/** One result per host, for the campaign, with rows tagged with the host's name. */
function expectResultsFrom(results: any[], campaignId: number, hostnames: string[]): void {
  expect(results.map((r) => r.host.hostname).sort()).toEqual([...hostnames].sort());
  for (const r of results) {
    expect(r.distributed_query_execution_id).toBe(campaignId);
    expect(r.error ?? null).toBeNull();
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) expect(row.host_hostname).toBe(r.host.hostname);
  }
}

/** The stream's opening: totals first, then a pending status expecting the online hosts. */
function expectOpening(client: StreamClient, totals: { count: number; online: number; offline: number }): void {
  expect(client.messages[0]).toEqual({ type: 'totals', data: { ...totals, missing_in_action: 0 } });
  expect(client.messages[1]).toEqual({ type: 'status', data: { expected_results: totals.online, actual_results: 0, status: 'pending' } });
}

/** The campaign row says completed (Postgres store), within 5 s of the stream closing. */
async function expectCompletedInDatabase(fleet: RunningFleet, campaignId: number): Promise<void> {
  await eventually(async () => {
    const [row] = await queryDatabase(fleet.config.postgres.url, 'SELECT status FROM distributed_query_campaigns WHERE id = $1', [campaignId]);
    expect(Number(row.status)).toBe(CAMPAIGN_COMPLETED);
  }, 5000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- one server, in-memory store ----------------------------------------------------------

function startInmemFleet(store: Store = 'inmem', edit: Parameters<typeof startFleet>[1] = () => undefined): Promise<RunningFleet> {
  return startFleet(store, (c) => {
    c.osquery.detail_update_interval_seconds = HOUR;
    c.osquery.label_update_interval_seconds = HOUR;
    edit?.(c);
  });
}

describe('live queries on one server (in-memory store)', () => {
  let fleet: RunningFleet;
  let sim: Simulation;
  let secret: string;
  let adminToken: string;
  let ids: Map<string, number>;
  const clients: StreamClient[] = [];
  const stream = (transport: Transport, campaignId: number, token = adminToken) => {
    const c = openStream(transport, fleet.server.url, token, campaignId);
    clients.push(c);
    return c;
  };
  const run = async (selected: { hosts?: number[]; labels?: number[] }, token = adminToken) => {
    const res = await post(fleet.server.url, '/api/v1/fleet/queries/run', { query: SQL, selected }, token);
    expect(res.status).toBe(200);
    return res.body.campaign;
  };
  const simIds = () => hostnamesOf(sim).map((n) => ids.get(n)!);

  beforeAll(async () => {
    fleet = await startInmemFleet();
    secret = await enrollSecret(fleet);
    sim = simulate(fleet.server.url, secret, 10, 424242);
    adminToken = await login(fleet.server.url, 'admin');
    ids = await hostIdsOf(fleet, sim);
  }, 30_000);

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await sim?.stop();
    await fleet?.close();
  }, 30_000);

  it.each<Transport>(['ws', 'sockjs'])('streams a query run by host ids to a %s client, then completes it on close', async (transport) => {
    const campaign = await run({ hosts: simIds() });
    expect(campaign).toMatchObject({ status: 0, Metrics: { TotalHosts: 10, OnlineHosts: 10, OfflineHosts: 0 } });
    const client = stream(transport, campaign.id);

    const results = await untilFinished(client, 10);
    expectOpening(client, { count: 10, online: 10, offline: 0 });
    expectResultsFrom(results, campaign.id, hostnamesOf(sim));
    expect(ofType(client, 'error')).toEqual([]);
    // totals, pending, 10 results, finished: nothing else, in that order.
    expect(client.messages.map((m) => m.type)).toEqual(['totals', 'status', ...Array(10).fill('result'), 'status']);

    client.close();
    await client.closed;
    // Completed: agents that keep reading are not sent the query again.
    const answered = sim.stats().events.liveQueries;
    await sleep(1500);
    expect(sim.stats().events.liveQueries).toBe(answered);
  });

  it('streams a query run by label and host names, counting each host once', async () => {
    const manual = new ManualAgent(fleet.server.url);
    await manual.enroll(secret);
    const names = hostnamesOf(sim);
    const res = await post(
      fleet.server.url,
      '/api/v1/fleet/queries/run_by_names',
      // Two hostnames that "All Hosts" already covers, and one it does not (the manual agent answers no label queries).
      { query: SQL, selected: { labels: ['All Hosts'], hosts: [names[0], names[3], manual.hostname] } },
      adminToken,
    );
    expect(res.status).toBe(200);
    const campaign = res.body.campaign;
    expect(campaign.Metrics.TotalHosts).toBe(11);
    const client = stream('ws', campaign.id);

    // The simulated agents answer; the stream waits for the manual one.
    await eventually(() => expect(ofType(client, 'result')).toHaveLength(10), STREAM_WAIT_MS);
    expectOpening(client, { count: 11, online: 11, offline: 0 });
    const queries = await manual.read();
    expect(queries[liveName(campaign.id)]).toBe(SQL);
    await eventually(() => expect(lastStatus(client)).toEqual({ expected_results: 11, actual_results: 10, status: 'pending' }), STREAM_WAIT_MS);

    await manual.answer(liveName(campaign.id), [{ version: '4.9.0' }]);
    const results = await untilFinished(client, 11);
    expectResultsFrom(results, campaign.id, [...names, manual.hostname]);
    expect(results.find((r) => r.host.hostname === manual.hostname).rows).toEqual([{ version: '4.9.0', host_hostname: manual.hostname }]);
  });

  it('streams an error result, with no rows, from a host whose query fails', async () => {
    const failing = simulate(fleet.server.url, secret, 1, 777, { liveQueryErrorRate: 1 });
    try {
      const failingIds = await hostIdsOf(fleet, failing);
      const [failingName] = hostnamesOf(failing);
      const healthy = hostnamesOf(sim).slice(0, 2);
      const campaign = await run({ hosts: [failingIds.get(failingName)!, ...healthy.map((n) => ids.get(n)!)] });
      const client = stream('ws', campaign.id);

      const results = await untilFinished(client, 3);
      const failed = results.filter((r) => r.host.hostname === failingName);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ distributed_query_execution_id: campaign.id, rows: [] });
      expect(failed[0].error).toBe('no such table: osquery_info');
      expectResultsFrom(
        results.filter((r) => r.host.hostname !== failingName),
        campaign.id,
        healthy,
      );
    } finally {
      await failing.stop();
    }
  });

  it('completes the campaign and stops the query when the client disconnects early', async () => {
    const manual = new ManualAgent(fleet.server.url);
    await manual.enroll(secret);
    const manualId = await eventually(async () => {
      const { hosts } = await fleet.api.get('/hosts');
      const h = hosts.find((x: any) => x.hostname === manual.hostname);
      expect(h).toBeDefined();
      return h.id as number;
    });
    const campaign = await run({ hosts: [manualId, ...simIds()] });
    const client = stream('ws', campaign.id);
    await eventually(() => expect(ofType(client, 'result')).toHaveLength(10), STREAM_WAIT_MS);
    // The manual agent is sent the query but does not answer before the client leaves.
    expect((await manual.read())[liveName(campaign.id)]).toBe(SQL);

    client.close();
    await client.closed;
    await eventually(async () => expect((await manual.read())[liveName(campaign.id)]).toBeUndefined(), 5000);
    // A late answer is harmless (the server may ask for a retry: the campaign is under 5 s old).
    const late = await manual.write({ [liveName(campaign.id)]: [{ version: 'late' }] });
    expect([200, 500]).toContain(late.status);
    expect((await manual.read())[liveName(campaign.id)]).toBeUndefined();
  });

  // KNOWN SERVER BUG (service/osquery/live-query-source.ts recordResults): results are
  // published to listeners first; then a result for a campaign with no listener that is
  // under ORPHAN_GRACE_MS old throws "campaign waiting for listener (please retry)", so
  // queryCompletedByHost is never called for the results that WERE delivered. The host is
  // sent the streamed campaign's query again, and its next answer is delivered twice
  // (the stream's actual_results then exceeds expected_results).
  test('delivers a result once even when the same write answers a campaign still waiting for its listener', async () => {
    const manual = new ManualAgent(fleet.server.url);
    await manual.enroll(secret);
    const manualId = await eventually(async () => {
      const { hosts } = await fleet.api.get('/hosts');
      const h = hosts.find((x: any) => x.hostname === manual.hostname);
      expect(h).toBeDefined();
      return h.id as number;
    });
    const unwatched = await run({ hosts: [manualId] });
    const watched = await run({ hosts: [manualId] });
    const client = stream('ws', watched.id);
    await eventually(() => expect(ofType(client, 'status')).toHaveLength(1));

    const queries = await manual.read();
    expect(Object.keys(queries)).toEqual(expect.arrayContaining([liveName(unwatched.id), liveName(watched.id)]));
    // osquery answers everything it was sent in one write.
    await manual.write({ [liveName(unwatched.id)]: [{ version: 'a' }], [liveName(watched.id)]: [{ version: 'b' }] });
    await eventually(() => expect(ofType(client, 'result')).toHaveLength(1));

    // The host answered the watched campaign and the stream got it: it must not be asked again.
    expect((await manual.read())[liveName(watched.id)]).toBeUndefined();
  });

  describe('authorization', () => {
    let userToken: string;
    let otherAdminToken: string;

    beforeAll(async () => {
      for (const [username, admin] of [
        ['bob', false],
        ['carol', true],
      ] as const) {
        const res = await fleet.api.request('POST', '/users/admin', { username, email: `${username}@example.com`, password: PASSWORD, admin });
        expect(res.status).toBe(200);
      }
      userToken = await login(fleet.server.url, 'bob');
      otherAdminToken = await login(fleet.server.url, 'carol');
    });

    // Campaigns nobody streams target the last host only, so the orphan handling of their
    // results (see the known-bug test below) cannot touch the hosts the other tests stream.
    it.each<Transport>(['ws', 'sockjs'])("refuses another non-admin user someone else's campaign (%s)", async (transport) => {
      const campaign = await run({ hosts: simIds().slice(-1) });
      const client = stream(transport, campaign.id, userToken);
      await client.closed;
      expect(client.messages).toEqual([{ type: 'error', data: 'forbidden' }]);
    });

    it("lets another admin stream someone else's campaign", async () => {
      const campaign = await run({ hosts: simIds().slice(0, 2) });
      const client = stream('ws', campaign.id, otherAdminToken);
      const results = await untilFinished(client, 2);
      expectResultsFrom(results, campaign.id, hostnamesOf(sim).slice(0, 2));
    });

    it('lets a non-admin user stream their own campaign', async () => {
      const campaign = await run({ hosts: simIds().slice(2, 3) }, userToken);
      const client = stream('ws', campaign.id, userToken);
      const results = await untilFinished(client, 1);
      expectResultsFrom(results, campaign.id, hostnamesOf(sim).slice(2, 3));
    });

    it.each<Transport>(['ws', 'sockjs'])('answers a bad token with unauthorized (%s)', async (transport) => {
      const campaign = await run({ hosts: simIds().slice(-1) });
      const client = stream(transport, campaign.id, 'not-a-session-token');
      await client.closed;
      expect(client.messages).toEqual([{ type: 'error', data: 'unauthorized' }]);
    });
  });
});

// ---- Postgres ----------------------------------------------------------------------------

describeIfPostgres('live queries with an offline target (Postgres)', () => {
  let fleet: RunningFleet;
  let sim: Simulation;
  let gone: Simulation;
  let adminToken: string;

  beforeAll(async () => {
    fleet = await startInmemFleet('postgres');
    const secret = await enrollSecret(fleet);
    sim = simulate(fleet.server.url, secret, 3, 515151);
    gone = simulate(fleet.server.url, secret, 1, 626262);
    adminToken = await login(fleet.server.url, 'admin');
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
    await gone?.stop();
    await fleet?.close();
  }, 30_000);

  it('counts a host that stopped checking in as offline and finishes without it', async () => {
    const ids = await hostIdsOf(fleet, sim, gone);
    await gone.stop();
    const [goneName] = hostnamesOf(gone);
    const goneId = ids.get(goneName)!;
    // Its last check-in may still sit in the server's seen-time batch (flushed every second):
    // let that land, then, rather than wait out the 30 s online window, age its seen time.
    await sleep(1500);
    await queryDatabase(fleet.config.postgres.url, `UPDATE host_seen_times SET seen_time = now() - interval '10 minutes' WHERE host_id = $1`, [goneId]);
    expect((await fleet.api.get(`/hosts/${goneId}`)).host.status).toBe('offline');

    const res = await post(fleet.server.url, '/api/v1/fleet/queries/run', { query: SQL, selected: { hosts: [...ids.values()] } }, adminToken);
    expect(res.status).toBe(200);
    const campaign = res.body.campaign;
    expect(campaign.Metrics).toMatchObject({ TotalHosts: 4, OnlineHosts: 3, OfflineHosts: 1 });
    const client = openStream('ws', fleet.server.url, adminToken, campaign.id);
    try {
      const results = await untilFinished(client, 3);
      expectOpening(client, { count: 4, online: 3, offline: 1 });
      expectResultsFrom(results, campaign.id, hostnamesOf(sim));
    } finally {
      client.close();
    }
    await client.closed;
    await expectCompletedInDatabase(fleet, campaign.id);
  });
});

describeIfPostgres('live queries across two server instances (Postgres + Redis)', () => {
  describeIfRedis('agents on instance A, the result stream on instance B', () => {
    let a: RunningFleet;
    let b: Server;
    let sim: Simulation;
    const prefix = testKeyPrefix();

    beforeAll(async () => {
      a = await startInmemFleet('postgres', (c) => {
        c.redis.url = TEST_REDIS_URL;
        c.redis.key_prefix = prefix;
      });
      b = await startSecondInstance(a);
      sim = simulate(a.server.url, await enrollSecret(a), 6, 737373);
    }, 30_000);

    afterAll(async () => {
      await sim?.stop();
      await b?.close();
      await a?.close();
      await deleteKeys(prefix);
    }, 30_000);

    it('delivers every result reported to A to the client on B, and completes the campaign', async () => {
      const ids = await hostIdsOf(a, sim);
      expect(b.url).not.toBe(a.server.url);
      const token = await login(b.url, 'admin');
      const res = await post(b.url, '/api/v1/fleet/queries/run', { query: SQL, selected: { hosts: [...ids.values()] } }, token);
      expect(res.status).toBe(200);
      const campaign = res.body.campaign;
      const client = openStream('ws', b.url, token, campaign.id);
      try {
        const results = await untilFinished(client, 6);
        expectOpening(client, { count: 6, online: 6, offline: 0 });
        expectResultsFrom(results, campaign.id, hostnamesOf(sim));
      } finally {
        client.close();
      }
      await client.closed;
      await expectCompletedInDatabase(a, campaign.id);
      // Agents on A stop getting it: their live-query answers stay at one per host.
      const answered = sim.stats().events.liveQueries;
      expect(answered).toBeGreaterThanOrEqual(6);
      await sleep(1500);
      expect(sim.stats().events.liveQueries).toBe(answered);
    });
  });
});
