// File carving end to end (spec osquery-and-live-queries.md §12, rest-api.md §13): agents
// upload through carve/begin and carve/block, people read through /carves; reassembled bytes
// must be identical. The flows run on the in-memory store and, when available, on Postgres.
import { createHash, randomBytes } from 'node:crypto';
import { PostgresDatastore } from '../../datastore/postgres';
import type { Datastore } from '../../internal/fleet';
import { JobRunner } from '../../service/jobs/job-runner';
import { expectAuthMatrix, makeCallers, matrixFor } from '../support/auth-matrix';
import { createTestDatabase, describeIfPostgres, type TestDatabase } from '../support/services';
import { fixture, fixtureText, fixtureWithKey, startAgentApp, type AgentTestApp } from './support';

const FIXTURE_TAR_SHA = '0b00168df8be2dfa482b0e0e81302feaa2ee9f71d89ba3a6e12a73fd0a825505';
const FIXTURE_BLOCK_SHA = [
  '854e07783250168a197624daf466c1bb96d0d7450e388be78d7db18e4910f17a',
  'f46cf009c55f614026ad7cc36f34148448dac8d50b4cbc14a955bbd8db3e0606',
];
const FIXTURE_SESSION = 'd920e196-1ba3-4aca-93b5-6dd79d49515c';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY = 24 * 3600 * 1000;
const MiB = 1024 * 1024;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Ctx {
  t: AgentTestApp;
  token: string;
  nodeKey: string;
  hostId: number;
}

/** Enrolls the Ubuntu fixture host and has it report details (so host cleanup keeps it). */
async function enrollReportingHost(t: AgentTestApp): Promise<{ nodeKey: string; hostId: number }> {
  const { nodeKey, hostId } = await t.enroll('ubuntu');
  await t.post('distributed/read', { node_key: nodeKey });
  const w = await t.post('distributed/write', fixtureWithKey('distributed-write-details-ubuntu.json', nodeKey));
  expect(w.status).toBe(200);
  return { nodeKey, hostId };
}

async function begin(c: Ctx, body: Record<string, unknown>) {
  return c.t.post('carve/begin', { node_key: c.nodeKey, ...body });
}

/** The fixture blocks, rewritten to the session the server handed out. */
function fixtureBlock(n: 0 | 1, sessionId: string): string {
  return fixtureText(`carve-block-${n}.json`).replace(FIXTURE_SESSION, sessionId);
}

async function getJSON(c: Ctx, path: string) {
  return c.t.http().get(`/api/v1/fleet${path}`).set('Authorization', `Bearer ${c.token}`);
}

/** Downloads blocks 0..block_count-1 and cuts at carve_size, as fleetctl does. */
async function download(c: Ctx, id: number): Promise<Buffer> {
  const meta = (await getJSON(c, `/carves/${id}`)).body.carve;
  const parts: Buffer[] = [];
  for (let i = 0; i < meta.block_count; i++) {
    const res = await getJSON(c, `/carves/${id}/block/${i}`);
    expect(res.status).toBe(200);
    parts.push(Buffer.from(res.body.data, 'base64'));
  }
  return Buffer.concat(parts).subarray(0, meta.carve_size);
}

/** Uploads `data` as a carve of `blockSize` blocks; returns the carve id. */
async function uploadCarve(c: Ctx, data: Buffer, blockSize: number, requestId: string): Promise<number> {
  const blockCount = Math.ceil(data.length / blockSize);
  const b = await begin(c, { block_count: blockCount, block_size: blockSize, carve_size: data.length, carve_id: 'x', request_id: requestId });
  expect(b.status).toBe(200);
  for (let i = 0; i < blockCount; i++) {
    const res = await c.t.post('carve/block', {
      block_id: i,
      session_id: b.body.session_id,
      request_id: requestId,
      data: data.subarray(i * blockSize, (i + 1) * blockSize).toString('base64'),
    });
    expect([res.status, res.body]).toEqual([200, { success: true }]);
  }
  return (await c.t.ds.carveBySessionId(b.body.session_id))!.id;
}

function describeCarveFlows(name: string, open: () => Promise<{ datastore?: Datastore; cleanup?: () => Promise<void> }>): void {
  describe(`carving flows (${name})`, () => {
    const c = {} as Ctx;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      c.t = await startAgentApp(opened.datastore ? { datastore: opened.datastore } : {});
      c.token = (await c.t.setup()).token;
      Object.assign(c, await enrollReportingHost(c.t));
    }, 60_000);
    afterAll(async () => {
      await c.t?.close();
      await cleanup?.();
    });

    test('the fixture carve uploads and downloads byte for byte', async () => {
      const beginBody = fixtureWithKey('carve-begin.json', c.nodeKey);
      const b = await c.t.post('carve/begin', beginBody);
      expect(b.status).toBe(200);
      expect(Object.keys(b.body)).toEqual(['session_id', 'success']);
      expect(b.body.success).toBe(true);
      expect(b.body.session_id).toMatch(UUID_V4);
      const sessionId = b.body.session_id as string;
      for (const n of [0, 1] as const) {
        const res = await c.t.post('carve/block', fixtureBlock(n, sessionId));
        expect([res.status, res.body]).toEqual([200, { success: true }]);
      }
      const host = await c.t.ds.host(c.hostId);
      const carve = (await c.t.ds.carveBySessionId(sessionId))!;
      const begun = fixture('carve-begin.json');
      const res = await getJSON(c, `/carves/${carve.id}`);
      expect(res.status).toBe(200);
      expect(res.body.carve).toEqual({
        id: carve.id,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        host_id: c.hostId,
        name: `${host.hostname}-${res.body.carve.created_at}-fleet_distributed_query_45`,
        block_count: 2,
        block_size: 2048,
        carve_size: 3584,
        carve_id: begun.carve_id,
        request_id: 'fleet_distributed_query_45',
        session_id: sessionId,
        expired: false,
        max_block: 1,
      });
      expect(Object.keys(res.body.carve)).toEqual([
        'id', 'created_at', 'host_id', 'name', 'block_count', 'block_size', 'carve_size',
        'carve_id', 'request_id', 'session_id', 'expired', 'max_block',
      ]);
      for (const n of [0, 1]) {
        const block = await getJSON(c, `/carves/${carve.id}/block/${n}`);
        expect(sha256(Buffer.from(block.body.data, 'base64'))).toBe(FIXTURE_BLOCK_SHA[n]);
      }
      expect(sha256(await download(c, carve.id))).toBe(FIXTURE_TAR_SHA);
      const list = await getJSON(c, '/carves');
      expect(list.body.carves.map((x: { id: number }) => x.id)).toContain(carve.id);
      // Both prefixes.
      const kolide = await c.t.http().get(`/api/v1/kolide/carves/${carve.id}`).set('Authorization', `Bearer ${c.token}`);
      expect(kolide.body).toEqual(res.body);
    });

    test('a five-block carve of 1 MiB random blocks reassembles identically', async () => {
      const data = randomBytes(5 * MiB - 1234);
      const id = await uploadCarve(c, data, MiB, 'fleet_distributed_query_777');
      const meta = (await getJSON(c, `/carves/${id}`)).body.carve;
      expect(meta).toMatchObject({ block_count: 5, block_size: MiB, carve_size: data.length, max_block: 4 });
      expect(sha256(await download(c, id))).toBe(sha256(data));
    }, 60_000);

    test('expired carves are hidden by default, listed with expired=1, and their blocks refused', async () => {
      const data = randomBytes(3000);
      const id = await uploadCarve(c, data, 2048, 'fleet_distributed_query_888');
      const ids = async (q = '') => ((await getJSON(c, `/carves${q}`)).body.carves ?? []).map((x: { id: number }) => x.id);
      expect(await ids()).toContain(id);
      c.t.clock.advance(DAY - 60_000);
      await c.t.container.get(JobRunner).runOnce();
      expect((await getJSON(c, `/carves/${id}`)).body.carve.expired).toBe(false);
      c.t.clock.advance(120_000);
      const run = await c.t.container.get(JobRunner).runOnce();
      expect(run.carves).toBeGreaterThanOrEqual(1);
      expect(await c.t.ds.host(c.hostId)).toBeDefined(); // host cleanup kept the reporting host
      expect(await ids()).not.toContain(id);
      expect(await ids('?expired=0')).not.toContain(id);
      expect(await ids('?expired=false')).not.toContain(id);
      expect(await ids('?expired=')).not.toContain(id);
      expect(await ids('?expired=1')).toContain(id);
      expect(await ids('?expired=true')).toContain(id);
      const bad = await getJSON(c, '/carves?expired=yes');
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0]).toEqual({ name: 'expired', reason: 'invalid expired value yes' });
      const meta = (await getJSON(c, `/carves/${id}`)).body.carve;
      expect(meta).toMatchObject({ expired: true, max_block: 1 });
      const block = await getJSON(c, `/carves/${id}/block/0`);
      expect(block.status).toBe(422);
      expect(block.body.errors[0].reason).toBe('cannot get block for expired carve');
    });

    test('deleting the host deletes its carves', async () => {
      const other = await c.t.enroll('centos');
      const own: Ctx = { ...c, nodeKey: other.nodeKey, hostId: other.hostId };
      const id = await uploadCarve(own, randomBytes(100), 64, 'fleet_distributed_query_999');
      expect((await getJSON(c, `/carves/${id}`)).status).toBe(200);
      const del = await c.t.http().delete(`/api/v1/fleet/hosts/${other.hostId}`).set('Authorization', `Bearer ${c.token}`);
      expect(del.status).toBe(200);
      expect((await getJSON(c, `/carves/${id}`)).status).toBe(404);
      expect((await getJSON(c, `/carves/${id}/block/0`)).status).toBe(404);
      expect(((await getJSON(c, '/carves?expired=1')).body.carves ?? []).map((x: { id: number }) => x.id)).not.toContain(id);
    });
  });
}

describeCarveFlows('inmem', async () => ({}));

describeIfPostgres('on postgres', () => {
  let db: TestDatabase;
  describeCarveFlows('postgres', async () => {
    db = await createTestDatabase();
    return { datastore: new PostgresDatastore({ url: db.url, poolSize: 4 }), cleanup: () => db.drop() };
  });
});

describe('carve/begin and carve/block rules', () => {
  const c = {} as Ctx;
  beforeAll(async () => {
    c.t = await startAgentApp();
    c.token = (await c.t.setup()).token;
    Object.assign(c, await c.t.enroll('ubuntu'));
  });
  afterAll(async () => c.t?.close());

  const valid = { block_count: 2, block_size: 2048, carve_size: 3584, carve_id: 'c', request_id: 'fleet_distributed_query_45' };
  const countCarves = async () => (await c.t.ds.listCarves({ page: 0, orderDirection: 'asc', includeExpired: true })).length;

  test.each([
    [{ carve_size: 0 }, 'carve_size must be greater than 0'],
    [{ block_size: 256 * MiB + 1, block_count: 1, carve_size: 256 * MiB + 1 }, 'block_size exceeds max'],
    [{ block_size: 256 * MiB, block_count: 33, carve_size: 8 * 1024 * MiB + 1 }, 'carve_size exceeds max'],
    [{ carve_size: 2048 }, 'carve_size does not match block_size and block_count'],
    [{ carve_size: 4097 }, 'carve_size does not match block_size and block_count'],
    [{ block_count: 0, carve_size: 1 }, 'carve_size does not match block_size and block_count'],
    [{ block_size: 0 }, 'carve_size does not match block_size and block_count'],
  ])('begin %j → 400 %s, nothing created', async (override, error) => {
    const before = await countCarves();
    const res = await begin(c, { ...valid, ...override });
    expect([res.status, res.body]).toEqual([400, { error }]);
    expect(await countCarves()).toBe(before);
  });

  test('begin accepts the boundary sizes', async () => {
    expect((await begin(c, { ...valid, carve_size: 4096 })).status).toBe(200);
    expect((await begin(c, { ...valid, carve_size: 2049 })).status).toBe(200);
    expect((await begin(c, { block_count: 32, block_size: 256 * MiB, carve_size: 8 * 1024 * MiB, carve_id: 'big', request_id: 'r' })).status).toBe(200);
  });

  test.each([
    [{ block_count: '2' }, 'block_count must be a non-negative integer'],
    [{ block_size: -1 }, 'block_size must be a non-negative integer'],
    [{ carve_size: 1.5 }, 'carve_size must be a non-negative integer'],
    [{ request_id: 5 }, 'request_id must be a string'],
    [{ carve_id: 'x'.repeat(300) }, 'carve_id is too long'],
  ])('begin with a malformed field %j → 400', async (override, error) => {
    const res = await begin(c, { ...valid, ...override });
    expect([res.status, res.body]).toEqual([400, { error }]);
  });

  test('begin needs a valid node key', async () => {
    const missing = await c.t.post('carve/begin', valid);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'authentication error: missing node key', node_invalid: true });
    const wrong = await c.t.post('carve/begin', { ...valid, node_key: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.node_invalid).toBe(true);
    const notJson = await c.t.post('carve/begin', '{"node_key":');
    expect(notJson.status).toBe(400);
    expect(typeof notJson.body.error).toBe('string');
  });

  test('block errors follow the documented order and texts, and store nothing', async () => {
    const b = await begin(c, valid);
    const sessionId = b.body.session_id as string;
    const carve = (await c.t.ds.carveBySessionId(sessionId))!;
    const block = (o: Record<string, unknown> = {}) =>
      c.t.post('carve/block', { block_id: 0, session_id: sessionId, request_id: valid.request_id, data: Buffer.alloc(2048, 7).toString('base64'), ...o });
    const expectRejected = async (o: Record<string, unknown>, status: number, error: string | RegExp) => {
      const res = await block(o);
      expect(res.status).toBe(status);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error).toEqual(typeof error === 'string' ? error : expect.stringMatching(error));
    };
    await expectRejected({ session_id: '00000000-0000-4000-8000-000000000000' }, 404, /^find carve by session_id: /);
    await expectRejected({ request_id: 'fleet_distributed_query_46' }, 400, 'request_id does not match');
    await expectRejected({ block_id: 2 }, 400, 'block_id exceeds expected max (1): 2');
    // The request_id check comes before the block_id checks.
    await expectRejected({ block_id: 2, request_id: 'other' }, 400, 'request_id does not match');
    await expectRejected({ block_id: 1 }, 400, 'block_id does not match expected block (0): 1');
    await expectRejected({ data: Buffer.alloc(2049).toString('base64') }, 400, 'exceeded declared block size 2048: 2049');
    await expectRejected({ data: 'not base64!' }, 400, 'data is not valid base64');
    await expectRejected({ data: 'QUJD' + '=' }, 400, 'data is not valid base64');
    await expectRejected({ data: null }, 400, 'data must be a base64 string');
    await expectRejected({ block_id: '0' }, 400, 'block_id must be a non-negative integer');
    await expectRejected({ session_id: '' }, 400, 'session_id is required');
    expect((await c.t.ds.carve(carve.id)).max_block).toBe(-1);
    const notYet = await getJSON(c, `/carves/${carve.id}/block/0`);
    expect([notYet.status, notYet.body.errors[0].reason]).toEqual([422, 'block 0 not yet available']);

    expect((await block()).status).toBe(200);
    // A duplicate (osquery never retries; Fleet refuses it) changes nothing.
    await expectRejected({ data: Buffer.alloc(10, 9).toString('base64') }, 400, 'block_id does not match expected block (1): 0');
    expect((await c.t.ds.carveBlock(carve.id, 0)).equals(Buffer.alloc(2048, 7))).toBe(true);
    expect((await c.t.ds.carve(carve.id)).max_block).toBe(0);
    const last = await block({ block_id: 1, data: Buffer.alloc(1536, 8).toString('base64') });
    expect(last.status).toBe(200);
    expect((await c.t.ds.carve(carve.id)).max_block).toBe(1);
    await expectRejected({ block_id: 2 }, 400, 'block_id exceeds expected max (1): 2');
  });

  test('carve/block needs no node key and ignores one; other methods and paths are not agent routes', async () => {
    const b = await begin(c, { ...valid, block_count: 1, carve_size: 5 });
    const res = await c.t.post('carve/block', { node_key: 'whatever', block_id: 0, session_id: b.body.session_id, request_id: valid.request_id, data: 'aGVsbG8=' });
    expect(res.status).toBe(200);
    const get = await c.t.agent().get('/api/v1/osquery/carve/block');
    expect(get.status).toBe(404);
  });

  test('an 8 MB block (Fleet\'s recommended size) fits the body limit; bigger bodies are 413', async () => {
    const size = 8_000_000;
    const b = await begin(c, { block_count: 1, block_size: size, carve_size: size, carve_id: 'big', request_id: 'r8' });
    const data = randomBytes(size);
    const ok = await c.t.post('carve/block', { block_id: 0, session_id: b.body.session_id, request_id: 'r8', data: data.toString('base64') });
    expect(ok.status).toBe(200);
    const id = (await c.t.ds.carveBySessionId(b.body.session_id))!.id;
    expect(sha256(await download(c, id))).toBe(sha256(data));
    const b2 = await begin(c, { block_count: 1, block_size: 13 * MiB, carve_size: 13 * MiB, carve_id: 'big', request_id: 'r9' });
    const tooBig = await c.t.post('carve/block', { block_id: 0, session_id: b2.body.session_id, request_id: 'r9', data: randomBytes(13 * MiB).toString('base64') });
    expect(tooBig.status).toBe(413);
    expect(typeof tooBig.body.error).toBe('string');
    expect((await c.t.ds.carveBySessionId(b2.body.session_id))!.max_block).toBe(-1);
  }, 60_000);

  test('REST: auth matrix, bad ids, unknown carves, list options', async () => {
    const callers = await makeCallers(c.t, c.token);
    const b = await begin(c, { ...valid, block_count: 1, carve_size: 3 });
    await c.t.post('carve/block', { block_id: 0, session_id: b.body.session_id, request_id: valid.request_id, data: 'YWJj' });
    const id = (await c.t.ds.carveBySessionId(b.body.session_id))!.id;
    for (const path of ['/carves', `/carves/${id}`, `/carves/${id}/block/0`]) {
      await expectAuthMatrix(callers, (auth) => auth(c.t.http().get(`/api/v1/fleet${path}`)), matrixFor('auth'));
    }
    expect((await getJSON(c, `/carves/${id}/block/0`)).body).toEqual({ data: 'YWJj' });
    expect((await getJSON(c, '/carves/abc')).status).toBe(400);
    expect((await getJSON(c, `/carves/${id}/block/x`)).status).toBe(400);
    expect((await getJSON(c, `/carves/${id}/block/-1`)).status).toBe(400);
    const unknown = await getJSON(c, '/carves/99999');
    expect([unknown.status, unknown.body.errors[0].reason]).toEqual([404, 'Carve 99999 was not found in the datastore']);
    expect((await getJSON(c, '/carves/99999/block/0')).status).toBe(404);
    expect((await getJSON(c, `/carves/${id}/block/1`)).status).toBe(422);
    expect((await getJSON(c, '/carves?order_key=node_key')).status).toBe(422);
    expect((await getJSON(c, '/carves?per_page=x')).status).toBe(400);
    const desc = await getJSON(c, '/carves?order_key=created_at&order_direction=desc&per_page=2&page=0');
    expect(desc.status).toBe(200);
    expect(desc.body.carves).toHaveLength(2);
  });
});

describe('GET /carves with no carves', () => {
  test('answers {"carves": null}', async () => {
    const t = await startAgentApp();
    try {
      const { token } = await t.setup();
      const res = await t.http().get('/api/v1/fleet/carves').set('Authorization', `Bearer ${token}`);
      expect([res.status, res.body]).toEqual([200, { carves: null }]);
    } finally {
      await t.close();
    }
  });
});
