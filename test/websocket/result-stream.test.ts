// The live-query result stream transport (spec §9.5): raw WebSocket and SockJS on a real
// listening server, the real SessionService (real tokens), a fake LiveQueryService.
import net from 'node:net';
import WebSocket from 'ws';
import type { StreamMessage, User } from '../../internal/fleet';
import { PASSWORD, startTestApp, type ListeningTestApp, type TestApp } from '../support/test-app';
import {
  FakeLiveQueryService,
  SockjsClient,
  WsClient,
  auth,
  eventually,
  select,
  type StreamClient,
} from './support';
import type { ResultStreamOptions } from '../../transport/websocket';

type Kind = 'ws' | 'sockjs-websocket' | 'sockjs-xhr-streaming' | 'sockjs-xhr-polling';
type Api = 'fleet' | 'kolide';

const TOTALS: StreamMessage = { type: 'totals', data: { count: 2, online: 1, offline: 1, missing_in_action: 0 } };
const STATUS: StreamMessage = { type: 'status', data: { expected_results: 1, actual_results: 0, status: 'pending' } };
const RESULT: StreamMessage = {
  type: 'result',
  data: {
    distributed_query_execution_id: 42,
    host: { id: 1, hostname: 'mbp.local' },
    rows: [{ pid: '1', name: 'launchd', host_hostname: 'mbp.local' }],
    error: null,
  },
};
const SCRIPT = [TOTALS, STATUS, RESULT];

interface World {
  t: TestApp;
  srv: ListeningTestApp;
  fake: FakeLiveQueryService;
  admin: { token: string; user: User };
  alice: { token: string; user: User };
  bob: { token: string; user: User };
}

async function startWorld(opts: { urlPrefix?: string; stream?: Partial<ResultStreamOptions> } = {}): Promise<World> {
  const t = await startTestApp({
    config: (c) => {
      if (opts.urlPrefix) c.server.url_prefix = opts.urlPrefix;
    },
  });
  const fake = new FakeLiveQueryService();
  const srv = await t.listen({ liveQuery: fake, resultStream: { sockjsDisconnectDelayMs: 50, ...opts.stream } });
  // Users straight through the services (the HTTP helpers do not know url_prefix).
  const admin = await makeUser(t, true);
  const alice = await makeUser(t);
  const bob = await makeUser(t);
  fake.addCampaign(42, alice.user.id, SCRIPT);
  fake.addCampaign(43, bob.user.id, [TOTALS]);
  return { t, srv, fake, admin, alice, bob };
}

let userCount = 0;

async function makeUser(t: TestApp, admin = false): Promise<{ token: string; user: User }> {
  const n = ++userCount;
  const user = await t.services.users.createUser({
    username: `ws${n}`,
    email: `ws${n}@example.com`,
    password: PASSWORD,
    name: `WS ${n}`,
    admin,
  });
  const { token } = await t.services.sessions.login({ username: user.username, password: PASSWORD, remoteAddress: '127.0.0.1' });
  return { token, user };
}

function rawUrl(w: World, api: Api = 'fleet', leaf = 'websocket'): string {
  return `ws://127.0.0.1:${w.srv.port}${w.t.config.server.url_prefix}/api/v1/${api}/results/${leaf}`;
}

function sockjsUrl(w: World, api: Api = 'fleet'): string {
  return `http://127.0.0.1:${w.srv.port}${w.t.config.server.url_prefix}/api/v1/${api}/results`;
}

const clients: StreamClient[] = [];

function connect(w: World, kind: Kind, api: Api = 'fleet'): StreamClient {
  const c = kind === 'ws' ? new WsClient(rawUrl(w, api)) : new SockjsClient(sockjsUrl(w, api), kind.slice('sockjs-'.length) as never);
  clients.push(c);
  return c;
}

/** Opens, authenticates and selects; returns the client. */
async function handshake(w: World, kind: Kind, token: string, campaign: unknown, api: Api = 'fleet'): Promise<StreamClient> {
  const c = connect(w, kind, api);
  await c.opened;
  c.send(auth(token));
  c.send(select(campaign));
  return c;
}

/** Expects exactly one error message, then a close. */
async function expectError(c: StreamClient, text: string): Promise<void> {
  await c.closed;
  expect(c.messages).toEqual([{ type: 'error', data: text }]);
}

afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([c.closed, new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
  }
});

const ALL_KINDS: Kind[] = ['ws', 'sockjs-websocket', 'sockjs-xhr-streaming', 'sockjs-xhr-polling'];
/** The handshake matrix runs on one raw and one SockJS transport. */
const KINDS: Kind[] = ['ws', 'sockjs-websocket'];

describe('result stream', () => {
  let w: World;
  beforeAll(async () => {
    // Sessions polled by hand (fetch) must survive between requests.
    w = await startWorld({ stream: { sockjsDisconnectDelayMs: 300 } });
  });
  afterAll(async () => {
    await w?.t.close();
  });
  beforeEach(() => {
    w.fake.streams.length = 0;
  });

  describe('happy path', () => {
    const cases: Array<[Kind, Api]> = [
      ['ws', 'fleet'],
      ['ws', 'kolide'],
      ['sockjs-websocket', 'fleet'],
      ['sockjs-websocket', 'kolide'],
      ['sockjs-xhr-streaming', 'fleet'],
      ['sockjs-xhr-streaming', 'kolide'],
      ['sockjs-xhr-polling', 'fleet'],
      ['sockjs-xhr-polling', 'kolide'],
    ];
    test.each(cases)('%s on /api/v1/%s/results: auth, select, totals/status/result frames', async (kind, api) => {
      const c = await handshake(w, kind, w.alice.token, 42, api);
      expect(await c.waitMessages(3)).toEqual(SCRIPT);
      if (c instanceof SockjsClient) expect(c.transport).toBe(kind.slice('sockjs-'.length));
      const [stream] = await w.fake.waitForStreams(1);
      expect(stream!.campaignId).toBe(42);
      expect(stream!.viewer.user.id).toBe(w.alice.user.id);

      // Later messages are forwarded one by one, in order.
      const later: StreamMessage = { type: 'status', data: { expected_results: 1, actual_results: 1, status: 'finished' } };
      stream!.send(RESULT);
      stream!.send(later);
      expect(await c.waitMessages(5)).toEqual([...SCRIPT, RESULT, later]);
      expect(c.isClosed()).toBe(false);
      expect(stream!.closeCalls).toBe(0);
    });

    test('the seed document’s …/websockets path is accepted too', async () => {
      const c = new WsClient(rawUrl(w, 'kolide', 'websockets'));
      clients.push(c);
      await c.opened;
      c.send(auth(w.alice.token));
      c.send(select(42));
      expect(await c.waitMessages(3)).toEqual(SCRIPT);
    });

    test('raw WebSocket: each message is one text frame holding one JSON object', async () => {
      const ws = new WebSocket(rawUrl(w));
      const frames: Array<{ text: string; binary: boolean }> = [];
      ws.on('message', (data, isBinary) => frames.push({ text: data.toString(), binary: isBinary }));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify(auth(w.alice.token)));
      ws.send(JSON.stringify(select(42)));
      await eventually(() => frames.length >= 3);
      expect(frames.map((f) => f.binary)).toEqual([false, false, false]);
      expect(frames.map((f) => JSON.parse(f.text))).toEqual(SCRIPT);
      ws.close();
      await new Promise((r) => ws.once('close', r));
    });

    test('SockJS framing on the wire: o, then a["<json string>", …]', async () => {
      // Speak SockJS by hand over its websocket transport to see the raw frames.
      const ws = new WebSocket(`ws://127.0.0.1:${w.srv.port}/api/v1/fleet/results/000/abcdefgh/websocket`);
      const frames: string[] = [];
      ws.on('message', (data) => frames.push(data.toString()));
      await new Promise((r) => ws.once('open', r));
      await eventually(() => frames.length >= 1);
      expect(frames[0]).toBe('o');
      ws.send(JSON.stringify([JSON.stringify(auth(w.alice.token)), JSON.stringify(select(42))]));
      await eventually(() => frames.slice(1).flatMap((f) => JSON.parse(f.slice(1)) as string[]).length >= 3);
      const payloads = frames.slice(1).map((f) => {
        expect(f[0]).toBe('a');
        return JSON.parse(f.slice(1)) as unknown[];
      });
      const strings = payloads.flat();
      for (const s of strings) expect(typeof s).toBe('string');
      expect(strings.map((s) => JSON.parse(s as string))).toEqual(SCRIPT);
      ws.close();
      await new Promise((r) => ws.once('close', r));
    });

    test('an admin may stream someone else’s campaign', async () => {
      for (const kind of KINDS) {
        const c = await handshake(w, kind, w.admin.token, 42);
        expect(await c.waitMessages(3)).toEqual(SCRIPT);
      }
    });

    test('auth and select may be sent in one SockJS frame or back to back before any answer', async () => {
      const c = connect(w, 'sockjs-xhr-polling');
      await c.opened;
      c.send(auth(w.alice.token));
      c.send(select(42));
      expect(await c.waitMessages(3)).toEqual(SCRIPT);
    });
  });

  describe('first message (auth)', () => {
    const bad: Array<[string, string]> = [
      ['not JSON', 'hello'],
      ['JSON but not an object', '[1,2]'],
      ['missing type', JSON.stringify({ data: { token: 'x' } })],
      ['type is not auth', JSON.stringify(select(42))],
      ['missing data', JSON.stringify({ type: 'auth' })],
      ['data not an object', JSON.stringify({ type: 'auth', data: 'tok' })],
      ['token not a string', JSON.stringify({ type: 'auth', data: { token: 5 } })],
    ];
    describe.each(KINDS)('%s', (kind) => {
      test.each(bad)('%s → close without an error message', async (_name, frame) => {
        const c = connect(w, kind);
        await c.opened;
        c.send(frame);
        await c.closed;
        expect(c.messages).toEqual([]);
        expect(w.fake.streams).toHaveLength(0);
      });

      test('bad token → unauthorized', async () => {
        const c = await handshake(w, kind, 'not-a-token', 42);
        await expectError(c, 'unauthorized');
      });

      test('empty token → unauthorized', async () => {
        const c = await handshake(w, kind, '', 42);
        await expectError(c, 'unauthorized');
      });

      test('logged-out token → unauthorized', async () => {
        const { token } = await makeUser(w.t);
        await w.t.http().post('/api/v1/fleet/logout').set('Authorization', `Bearer ${token}`).expect(200);
        const c = await handshake(w, kind, token, 42);
        await expectError(c, 'unauthorized');
      });
    });

    test.each(KINDS)('%s: disabled user → unauthorized', async (kind) => {
      const u = await makeUser(w.t);
      w.fake.addCampaign(500 + u.user.id, u.user.id, SCRIPT);
      const user = await w.t.ds.user(u.user.id);
      await w.t.ds.saveUser({ ...user, enabled: false });
      const c = await handshake(w, kind, u.token, 500 + u.user.id);
      await expectError(c, 'unauthorized');
      expect(w.fake.streams).toHaveLength(0);
    });

    test.each(KINDS)('%s: user who must reset their password → unauthorized', async (kind) => {
      const u = await makeUser(w.t);
      w.fake.addCampaign(500 + u.user.id, u.user.id, SCRIPT);
      const user = await w.t.ds.user(u.user.id);
      await w.t.ds.saveUser({ ...user, force_password_reset: true });
      const c = await handshake(w, kind, u.token, 500 + u.user.id);
      await expectError(c, 'unauthorized');
      expect(w.fake.streams).toHaveLength(0);
    });
  });

  describe('second message (select_campaign)', () => {
    const cases: Array<[string, string, string]> = [
      ['not JSON', '{nope', 'error reading select_campaign'],
      ['JSON null', 'null', 'error reading select_campaign'],
      ['not an object', '"select_campaign"', 'error reading select_campaign'],
      ['missing type', JSON.stringify({ data: { campaign_id: 42 } }), 'error reading select_campaign'],
      ['empty type', JSON.stringify({ type: '', data: { campaign_id: 42 } }), 'error reading select_campaign'],
      ['non-string type', JSON.stringify({ type: 7, data: { campaign_id: 42 } }), 'error reading select_campaign'],
      ['another type', JSON.stringify({ type: 'auth', data: { token: 'x' } }), 'expected select_campaign'],
      ['data a string', JSON.stringify({ type: 'select_campaign', data: 'x' }), 'error unmarshaling select_campaign data'],
      ['data an array', JSON.stringify({ type: 'select_campaign', data: [42] }), 'error unmarshaling select_campaign data'],
      ['id a string', JSON.stringify(select('42')), 'error unmarshaling select_campaign data'],
      ['id negative', JSON.stringify(select(-1)), 'error unmarshaling select_campaign data'],
      ['id fractional', JSON.stringify(select(4.5)), 'error unmarshaling select_campaign data'],
      ['no data', JSON.stringify({ type: 'select_campaign' }), '0 is not a valid campaign ID'],
      ['empty data', JSON.stringify({ type: 'select_campaign', data: {} }), '0 is not a valid campaign ID'],
      ['id 0', JSON.stringify(select(0)), '0 is not a valid campaign ID'],
      ['unknown campaign', JSON.stringify(select(999)), 'cannot find campaign for ID 999'],
    ];
    describe.each(KINDS)('%s', (kind) => {
      test.each(cases.map(([name, frame, text]) => ({ name, frame, text })))('$name → error "$text"', async ({ frame, text }) => {
        const c = connect(w, kind);
        await c.opened;
        c.send(auth(w.alice.token));
        c.send(frame);
        await expectError(c, text);
        expect(w.fake.streams).toHaveLength(0);
      });

      test('someone else’s campaign (not an admin) → forbidden', async () => {
        const c = await handshake(w, kind, w.alice.token, 43);
        await expectError(c, 'forbidden');
        expect(w.fake.streams).toHaveLength(0);
      });
    });

    test('raw WebSocket closes with 1000 "none" after an error; SockJS sends Fleet’s c[0,"none"]', async () => {
      const a = await handshake(w, 'ws', w.alice.token, 999);
      expect(await a.closed).toEqual({ code: 1000, reason: 'none' });

      const base = sockjsUrl(w);
      expect(await (await fetch(`${base}/000/closeframe/xhr`, { method: 'POST' })).text()).toBe('o\n');
      const body = JSON.stringify([JSON.stringify(auth(w.alice.token)), JSON.stringify(select(999))]);
      expect((await fetch(`${base}/000/closeframe/xhr_send`, { method: 'POST', body })).status).toBe(204);
      const poll = await fetch(`${base}/000/closeframe/xhr`, { method: 'POST' });
      expect(await poll.text()).toBe('a["{\\"type\\":\\"error\\",\\"data\\":\\"cannot find campaign for ID 999\\"}"]\n');
      const last = await fetch(`${base}/000/closeframe/xhr`, { method: 'POST' });
      expect(await last.text()).toBe('c[0,"none"]\n');
      // sockjs-client reports code 0 as 1000 (`code || 1000`).
      const b = await handshake(w, 'sockjs-websocket', w.alice.token, 999);
      expect(await b.closed).toEqual({ code: 1000, reason: 'none' });
    });
  });

  describe('end of the stream', () => {
    test.each(ALL_KINDS)('%s: client disconnect → handle.close() exactly once', async (kind) => {
      const c = await handshake(w, kind, w.alice.token, 42);
      await c.waitMessages(3);
      const [stream] = await w.fake.waitForStreams(1);
      c.close();
      await c.closed;
      await eventually(() => stream!.closeCalls > 0, 5000, 'handle.close()');
      await new Promise((r) => setTimeout(r, 400)); // past the SockJS disconnect delay
      expect(stream!.closeCalls).toBe(1);
      await eventually(() => w.srv.stream!.connections === 0);
      // Messages after the close go nowhere and do not throw.
      expect(() => stream!.send(RESULT)).not.toThrow();
    });

    test.each(ALL_KINDS)('%s: the service ends the stream → socket closed', async (kind) => {
      const c = await handshake(w, kind, w.alice.token, 42);
      await c.waitMessages(3);
      const [stream] = await w.fake.waitForStreams(1);
      stream!.send({ type: 'error', data: 'error retrieving target counts' });
      stream!.onEnd('error');
      const closed = await c.closed;
      expect(closed.reason).toBe('none');
      expect(c.messages).toEqual([...SCRIPT, { type: 'error', data: 'error retrieving target counts' }]);
      await eventually(() => w.srv.stream!.connections === 0);
      expect(stream!.closeCalls).toBeLessThanOrEqual(1);
    });

    test('a client that leaves while the stream is starting still closes the handle', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const original = w.fake.streamCampaign.bind(w.fake);
      const spy = jest.spyOn(w.fake, 'streamCampaign').mockImplementation(async (...args) => {
        await gate;
        return original(...args);
      });
      try {
        const c = await handshake(w, 'ws', w.alice.token, 42);
        await eventually(() => spy.mock.calls.length === 1);
        c.close();
        await c.closed;
        await new Promise((r) => setTimeout(r, 50));
        release();
        const [stream] = await w.fake.waitForStreams(1);
        await eventually(() => stream!.closeCalls === 1);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('limits and bad input', () => {
    test('raw WebSocket: oversized frame → closed with 1009, no stream', async () => {
      const c = connect(w, 'ws');
      await c.opened;
      c.send(JSON.stringify({ type: 'auth', data: { token: 'x'.repeat(70 * 1024) } }));
      expect((await c.closed).code).toBe(1009);
      expect(c.messages).toEqual([]);
    });

    test('raw WebSocket: oversized frame after the handshake also drops the connection', async () => {
      const c = await handshake(w, 'ws', w.alice.token, 42);
      await c.waitMessages(3);
      const [stream] = await w.fake.waitForStreams(1);
      c.send('x'.repeat(65 * 1024));
      expect((await c.closed).code).toBe(1009);
      await eventually(() => stream!.closeCalls === 1);
    });

    test.each(['sockjs-websocket', 'sockjs-xhr-polling'] as Kind[])('%s: oversized message → closed, no stream', async (kind) => {
      const c = connect(w, kind);
      await c.opened;
      c.send(JSON.stringify({ type: 'auth', data: { token: 'x'.repeat(70 * 1024) } }));
      await c.closed;
      expect(c.messages).toEqual([]);
      expect(w.fake.streams).toHaveLength(0);
    });

    test('SockJS xhr_send: a body over the cap is refused with 413 before it is buffered', async () => {
      const base = sockjsUrl(w);
      const open = await fetch(`${base}/000/bigbody1/xhr`, { method: 'POST' });
      expect(await open.text()).toBe('o\n');
      const res = await fetch(`${base}/000/bigbody1/xhr_send`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify(['x'.repeat(300 * 1024)]),
      });
      expect(res.status).toBe(413);
    });

    test('raw WebSocket: garbage frames never crash the server', async () => {
      // Binary garbage as the first message: closed without an error message.
      const a = connect(w, 'ws') as WsClient;
      await a.opened;
      a.ws.send(Buffer.from([0xff, 0x00, 0xfe, 0x13]), { binary: true });
      await a.closed;
      expect(a.messages).toEqual([]);

      // Invalid UTF-8 in a text frame: ws closes with 1007.
      const b = connect(w, 'ws') as WsClient;
      await b.opened;
      b.ws.send(Buffer.from([0xc3, 0x28]), { binary: false });
      expect((await b.closed).code).toBe(1007);

      // Garbage after a valid auth: error reading select_campaign.
      const c = connect(w, 'ws') as WsClient;
      await c.opened;
      c.send(auth(w.alice.token));
      c.ws.send(Buffer.from([0x00, 0x01, 0x02]), { binary: true });
      await expectError(c, 'error reading select_campaign');

      // A broken WebSocket frame on the wire (unmasked client frame, reserved opcode).
      const sock = net.connect(w.srv.port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.write(
        'GET /api/v1/fleet/results/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      await new Promise((r) => sock.once('data', r));
      sock.write(Buffer.from([0x83, 0x05, 1, 2, 3, 4, 5]));
      await new Promise((r) => sock.once('close', r));

      // A bad handshake: ws answers 400.
      const sock2 = net.connect(w.srv.port, '127.0.0.1');
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        sock2.on('data', (d) => (text += d.toString()));
        sock2.on('close', () => resolve(text));
        sock2.write('GET /api/v1/fleet/results/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);

      // Still serving.
      const d = await handshake(w, 'ws', w.alice.token, 42);
      expect(await d.waitMessages(3)).toEqual(SCRIPT);
    });

    test('SockJS: garbage frames never crash the server', async () => {
      const base = sockjsUrl(w);
      await fetch(`${base}/000/garbage1/xhr`, { method: 'POST' });
      const broken = await fetch(`${base}/000/garbage1/xhr_send`, { method: 'POST', body: '[not json' });
      expect(broken.status).toBe(500);
      // A non-string element is a garbage message: closed without an error message.
      const nonString = await fetch(`${base}/000/garbage1/xhr_send`, { method: 'POST', body: '[{"type":"auth"}]' });
      expect(nonString.status).toBe(204);
      const poll = await fetch(`${base}/000/garbage1/xhr`, { method: 'POST' });
      expect(await poll.text()).toBe('c[0,"none"]\n');

      const c = await handshake(w, 'sockjs-xhr-polling', w.alice.token, 42);
      expect(await c.waitMessages(3)).toEqual(SCRIPT);
    });

    test('more messages than the handshake allows before it completes → closed', async () => {
      const spy = jest.spyOn(w.t.services.sessions, 'authenticate').mockImplementation(() => new Promise(() => undefined));
      try {
        const c = connect(w, 'ws');
        await c.opened;
        for (let i = 0; i < 10; i++) c.send(auth('x'));
        expect((await c.closed).code).toBe(1008);
      } finally {
        spy.mockRestore();
      }
    });

    test('messages after select_campaign are ignored', async () => {
      const c = await handshake(w, 'ws', w.alice.token, 42);
      await c.waitMessages(3);
      for (let i = 0; i < 20; i++) c.send('garbage');
      await new Promise((r) => setTimeout(r, 100));
      expect(c.isClosed()).toBe(false);
      expect(c.messages).toEqual(SCRIPT);
    });
  });

  describe('routing', () => {
    test('raw WebSocket: a cross-origin Origin header is rejected with 403 (gorilla default)', async () => {
      const evil = new WsClient(rawUrl(w), { Origin: 'https://evil.example.com' });
      await expect(evil.opened).rejects.toThrow(/403/);
      expect(evil.rejectedStatus).toBe(403);
      const same = new WsClient(rawUrl(w), { Origin: `http://127.0.0.1:${w.srv.port}` });
      clients.push(same);
      await same.opened;
      const sameUpper = new WsClient(rawUrl(w), { Origin: `HTTP://127.0.0.1:${w.srv.port}` });
      clients.push(sameUpper);
      await sameUpper.opened;
      const otherPort = new WsClient(rawUrl(w), { Origin: `http://127.0.0.1:1` });
      await expect(otherPort.opened).rejects.toThrow(/403/);
      const nullOrigin = new WsClient(rawUrl(w), { Origin: 'null' });
      await expect(nullOrigin.opened).rejects.toThrow(/403/);
    });

    test('upgrade requests elsewhere are answered 404', async () => {
      const c = new WsClient(`ws://127.0.0.1:${w.srv.port}/api/v1/fleet/hosts`);
      await expect(c.opened).rejects.toThrow(/404/);
      const d = new WsClient(`ws://127.0.0.1:${w.srv.port}/api/v1/fleet/results/websocketx`);
      await expect(d.opened).rejects.toThrow();
    });

    test('sockjs answers its own paths and leaves every other request to the app', async () => {
      const base = `http://127.0.0.1:${w.srv.port}`;
      const info = await fetch(`${base}/api/v1/fleet/results/info`);
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({ websocket: true });
      const kolideInfo = await fetch(`${base}/api/v1/kolide/results/info`);
      expect(kolideInfo.status).toBe(200);

      const me = await fetch(`${base}/api/v1/fleet/me`, { headers: { Authorization: `Bearer ${w.alice.token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { id: number } }).user.id).toBe(w.alice.user.id);
      const lookalike = await fetch(`${base}/api/v1/fleet/resultsx`);
      expect(lookalike.headers.get('content-type') ?? '').not.toMatch(/sockjs/);
      const enroll = await fetch(`${base}/api/v1/osquery/enroll`, { method: 'POST', body: '{"enroll_secret":"nope"}' });
      expect(enroll.status).toBe(401);
    });
  });

  describe('backpressure', () => {
    test('raw WebSocket: a client that stops reading is dropped, not buffered without bound', async () => {
      const c = (await handshake(w, 'ws', w.alice.token, 42)) as WsClient;
      await c.waitMessages(3);
      const [stream] = await w.fake.waitForStreams(1);
      c.ws.pause();
      const big: StreamMessage = { type: 'result', data: { rows: [{ blob: 'x'.repeat(100 * 1024) }] } };
      for (let i = 0; i < 400 && stream!.closeCalls === 0; i++) stream!.send(big);
      await eventually(() => stream!.closeCalls === 1, 5000, 'handle.close()');
      await eventually(() => w.srv.stream!.connections === 0);
      c.ws.resume();
      await c.closed;
    });

    test('SockJS: a session nobody polls is dropped once its queue passes the cap', async () => {
      const base = sockjsUrl(w);
      await fetch(`${base}/000/slowpoll/xhr`, { method: 'POST' });
      const sent = await fetch(`${base}/000/slowpoll/xhr_send`, {
        method: 'POST',
        body: JSON.stringify([JSON.stringify(auth(w.alice.token)), JSON.stringify(select(42))]),
      });
      expect(sent.status).toBe(204);
      const [stream] = await w.fake.waitForStreams(1);
      const big: StreamMessage = { type: 'result', data: { rows: [{ blob: 'x'.repeat(100 * 1024) }] } };
      for (let i = 0; i < 100 && stream!.closeCalls === 0; i++) stream!.send(big);
      await eventually(() => stream!.closeCalls === 1, 5000, 'handle.close()');
      // The next poll gets only the close frame.
      const poll = await fetch(`${base}/000/slowpoll/xhr`, { method: 'POST' });
      expect(await poll.text()).toBe('c[4013,"client too slow"]\n');
    });
  });
});

describe('result stream timings', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ stream: { authTimeoutMs: 200, heartbeatMs: 100 } });
  });
  afterAll(async () => {
    await w?.t.close();
  });
  beforeEach(() => {
    w.fake.streams.length = 0;
  });

  test('raw WebSocket: no auth within the timeout → closed (1008)', async () => {
    const c = connect(w, 'ws');
    await c.opened;
    const started = Date.now();
    expect(await c.closed).toEqual({ code: 1008, reason: 'authentication timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(c.messages).toEqual([]);
  });

  test('raw WebSocket: auth but no select_campaign within the timeout → closed', async () => {
    const c = connect(w, 'ws');
    await c.opened;
    c.send(auth(w.alice.token));
    expect((await c.closed).code).toBe(1008);
  });

  test('SockJS: no auth within the timeout → closed (4008)', async () => {
    const c = connect(w, 'sockjs-websocket');
    await c.opened;
    expect(await c.closed).toEqual({ code: 4008, reason: 'authentication timeout' });
  });

  test('a streaming connection outlives the auth timeout and answers pings', async () => {
    const c = (await handshake(w, 'ws', w.alice.token, 42)) as WsClient;
    let pings = 0;
    c.ws.on('ping', () => pings++);
    await c.waitMessages(3);
    await new Promise((r) => setTimeout(r, 450));
    expect(c.isClosed()).toBe(false);
    expect(pings).toBeGreaterThanOrEqual(2);
  });

  test('a client that does not answer pings is dropped', async () => {
    const c = (await handshake(w, 'ws', w.alice.token, 42)) as WsClient;
    await c.waitMessages(3);
    const [stream] = await w.fake.waitForStreams(1);
    // Stop reading: pongs are no longer sent.
    c.ws.pause();
    await eventually(() => stream!.closeCalls === 1, 3000, 'dropped for missing pongs');
    c.ws.resume();
    await c.closed;
  });
});

describe('result stream under server.url_prefix', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ urlPrefix: '/fleet' });
  });
  afterAll(async () => {
    await w?.t.close();
  });
  beforeEach(() => {
    w.fake.streams.length = 0;
  });

  test.each<[Kind, Api]>([
    ['ws', 'fleet'],
    ['ws', 'kolide'],
    ['sockjs-websocket', 'fleet'],
    ['sockjs-xhr-streaming', 'kolide'],
  ])('%s under /fleet/api/v1/%s/results', async (kind, api) => {
    const c = await handshake(w, kind, w.alice.token, 42, api);
    expect(await c.waitMessages(3)).toEqual(SCRIPT);
  });

  test('the unprefixed paths are not served', async () => {
    const c = new WsClient(`ws://127.0.0.1:${w.srv.port}/api/v1/fleet/results/websocket`);
    await expect(c.opened).rejects.toThrow(/404/);
    const info = await fetch(`http://127.0.0.1:${w.srv.port}/api/v1/fleet/results/info`);
    expect(info.status).toBe(404);
    const prefixed = await fetch(`http://127.0.0.1:${w.srv.port}/fleet/api/v1/fleet/results/info`);
    expect(prefixed.status).toBe(200);
  });
});
