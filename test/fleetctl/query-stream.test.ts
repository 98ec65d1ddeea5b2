// The result-stream client and the campaign watcher of `fleetctl query` against a scripted
// WebSocket server: the handshake, message handling, failures the real server rarely
// produces (an `error` message, a dropped connection) and the terminal progress line.
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { FleetClient } from '../../cmd/fleetctl/client';
import { ResultStream, type HostResult } from '../../cmd/fleetctl/live-query-stream';
import { resultStreamUrl, watchCampaign } from '../../cmd/fleetctl/live-query-watch';
import type { Io } from '../../cmd/fleetctl/runtime';

interface FakeServer {
  url: string;
  /** Frames the client sent, parsed. */
  received: any[];
  /** Close code and reason of the client's close frame, once it closed. */
  closedWith: Promise<{ code: number; reason: string }>;
  /** The server side of the connection, once the client sent select_campaign. */
  selected: Promise<WebSocket>;
  stop(): Promise<void>;
}

/** A stand-in for the stream endpoint: records what the client sends; the test scripts replies. */
async function fakeServer(): Promise<FakeServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/api/v1/fleet/results/websocket' });
  await new Promise((r) => wss.once('listening', r));
  const received: any[] = [];
  let onClosed!: (v: { code: number; reason: string }) => void;
  let onSelected!: (ws: WebSocket) => void;
  const closedWith = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  const selected = new Promise<WebSocket>((r) => (onSelected = r));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      received.push(msg);
      if (msg.type === 'select_campaign') onSelected(ws);
    });
    ws.on('close', (code, reason) => onClosed({ code, reason: reason.toString() }));
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    closedWith,
    selected,
    stop: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

const send = (ws: WebSocket, type: string, data: unknown) => ws.send(JSON.stringify({ type, data }));
const result = (hostname: string, rows: Array<Record<string, string>>, error: string | null = null): HostResult => ({
  distributed_query_execution_id: 7,
  host: { id: 1, hostname },
  rows: rows.map((r) => ({ ...r, host_hostname: hostname })),
  error,
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function fakeIo(stderrIsTerminal: boolean): Io & { stdout: Capture; stderr: Capture } {
  return { stdout: new Capture(), stderr: new Capture(), stdin: process.stdin, stderrIsTerminal, env: {} };
}

describe('ResultStream', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await fakeServer();
  });
  afterEach(() => server.stop());

  const open = (handlers: Partial<ConstructorParameters<typeof ResultStream>[1]> = {}) =>
    new ResultStream(
      { url: resultStreamUrl(new FleetClient({ address: server.url })), token: 'tok', campaignId: 7 },
      { totals: () => undefined, status: () => undefined, result: () => undefined, ...handlers },
    );

  it('authenticates, selects the campaign, hands over messages in order and closes normally', async () => {
    const seen: string[] = [];
    const stream = open({
      totals: (t) => seen.push(`totals ${t.count}/${t.online}`),
      status: (s) => seen.push(`status ${s.actual_results}/${s.expected_results} ${s.status}`),
      result: (r) => seen.push(`result ${r.host.hostname}`),
    });
    const ws = await server.selected;
    expect(server.received).toEqual([
      { type: 'auth', data: { token: 'tok' } },
      { type: 'select_campaign', data: { campaign_id: 7 } },
    ]);
    send(ws, 'totals', { count: 1, online: 1, offline: 0, missing_in_action: 0 });
    send(ws, 'status', { expected_results: 1, actual_results: 0, status: 'pending' });
    send(ws, 'some_future_type', {});
    send(ws, 'result', result('web-1', [{ a: '1' }]));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['totals 1/1', 'status 0/1 pending', 'result web-1']);

    await stream.close();
    await expect(stream.ended).resolves.toBeUndefined();
    expect((await server.closedWith).code).toBe(1000);
  });

  it("fails with the server's error message on one line", async () => {
    const stream = open();
    send(await server.selected, 'error', 'cannot find campaign for ID 7');
    await expect(stream.ended).rejects.toThrow(/^live query stream: cannot find campaign for ID 7$/);
    await stream.close();
  });

  it('fails when the server drops the stream without being asked', async () => {
    const stream = open();
    (await server.selected).close(1011, 'boom');
    await expect(stream.ended).rejects.toThrow('the server closed the live query stream (code 1011: boom)');
    await stream.close();
  });

  it('fails with the address when nothing listens there', async () => {
    await server.stop();
    const stream = open();
    await expect(stream.ended).rejects.toThrow(new RegExp(`^cannot open the live query stream at ws://127\\.0\\.0\\.1:\\d+/api/v1/fleet/results/websocket: .*ECONNREFUSED`));
    await stream.close();
  });
});

describe('resultStreamUrl', () => {
  it('is the ws:// or wss:// twin of the context address, under its url-prefix', () => {
    expect(resultStreamUrl(new FleetClient({ address: 'http://localhost:8080' })).href).toBe('ws://localhost:8080/api/v1/fleet/results/websocket');
    expect(resultStreamUrl(new FleetClient({ address: 'https://fleet.example.com', urlPrefix: '/fleet/' })).href).toBe(
      'wss://fleet.example.com/fleet/api/v1/fleet/results/websocket',
    );
  });
});

describe('watchCampaign', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await fakeServer();
  });
  afterEach(() => server.stop());

  const options = { quiet: false, exit: false, timeoutMs: 0, pretty: false };

  it('on a terminal, redraws the progress line and erases it before each result', async () => {
    const io = fakeIo(true);
    const watching = watchCampaign(new FleetClient({ address: server.url, token: 'tok' }), 7, io, options);
    const ws = await server.selected;
    send(ws, 'totals', { count: 2, online: 2, offline: 0, missing_in_action: 0 });
    send(ws, 'status', { expected_results: 2, actual_results: 0, status: 'pending' });
    send(ws, 'result', result('web-1', [{ a: '1' }]));
    send(ws, 'result', result('web-2', [{ a: '2' }]));
    await watching;

    expect(io.stdout.text).toBe('{"host":"web-1","rows":[{"a":"1","host_hostname":"web-1"}]}\n{"host":"web-2","rows":[{"a":"2","host_hostname":"web-2"}]}\n');
    const drawn = (line: string) => `\r${line}\x1b[K`;
    expect(io.stderr.text).toBe(
      [
        drawn(' 0% responded (0% online) | 0/0 targeted hosts (0/0 online)'),
        // The status changes nothing on the line: it is not redrawn.
        drawn(' 0% responded (0% online) | 0/2 targeted hosts (0/2 online)'),
        '\r\x1b[K',
        drawn(' 50% responded (50% online) | 1/2 targeted hosts (1/2 online)'),
        '\r\x1b[K',
        drawn(' 100% responded (100% online) | 2/2 targeted hosts (2/2 online)'),
        '\r\x1b[K',
        ' 100% responded (100% online) | 2/2 targeted hosts (2/2 online)\n',
      ].join(''),
    );
    expect((await server.closedWith).code).toBe(1000);
  });

  it('with --exit, stops as soon as the online hosts answered, before any new status from the server', async () => {
    const io = fakeIo(false);
    const watching = watchCampaign(new FleetClient({ address: server.url, token: 'tok' }), 7, io, { ...options, exit: true });
    const ws = await server.selected;
    send(ws, 'totals', { count: 3, online: 1, offline: 2, missing_in_action: 0 });
    send(ws, 'status', { expected_results: 1, actual_results: 0, status: 'pending' });
    send(ws, 'result', result('web-1', []));
    await watching;
    expect(io.stdout.text).toBe('{"host":"web-1","rows":[]}\n');
    // Not a terminal: no redrawing, only the final line.
    expect(io.stderr.text).toBe(' 33% responded (100% online) | 1/3 targeted hosts (1/1 online)\n');
  });

  it('reports a failed host on stderr and counts it as an answer', async () => {
    const io = fakeIo(false);
    const watching = watchCampaign(new FleetClient({ address: server.url, token: 'tok' }), 7, io, { ...options, quiet: true });
    const ws = await server.selected;
    send(ws, 'totals', { count: 1, online: 1, offline: 0, missing_in_action: 0 });
    send(ws, 'status', { expected_results: 1, actual_results: 0, status: 'pending' });
    send(ws, 'result', result('db-1', [], 'no such table: nope'));
    await watching;
    expect(io.stdout.text).toBe('');
    expect(io.stderr.text).toBe('Query failed on host db-1: no such table: nope\n');
  });

  it('on --timeout, prints the last status and says it stopped', async () => {
    const io = fakeIo(false);
    const watching = watchCampaign(new FleetClient({ address: server.url, token: 'tok' }), 7, io, { ...options, timeoutMs: 300 });
    const ws = await server.selected;
    send(ws, 'totals', { count: 1, online: 1, offline: 0, missing_in_action: 0 });
    send(ws, 'status', { expected_results: 1, actual_results: 0, status: 'pending' });
    await watching;
    expect(io.stderr.text).toBe(' 0% responded (0% online) | 0/1 targeted hosts (0/1 online)\nStopped by timeout\n');
    expect((await server.closedWith).code).toBe(1000);
  });
});
