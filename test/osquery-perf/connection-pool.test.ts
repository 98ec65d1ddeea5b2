// The simulator's socket pool: keep-alive reuse, the socket cap with requests waiting in
// order, timeouts, and the failures a real server produces (refused, closed, reset).
import http from 'node:http';
import net from 'node:net';
import { ConnectionPool, type PoolOptions } from '../../cmd/osquery-perf/connection-pool';
import type { ParsedResponse } from '../../cmd/osquery-perf/http-wire';

const REQUEST = (id: string) => `POST /x HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${id.length}\r\nHost: t\r\nConnection: keep-alive\r\n\r\n${id}`;

interface Server {
  port: number;
  /** Remote ports of the sockets that carried each request, in arrival order. */
  sockets: number[];
  bodies: string[];
  close(): Promise<void>;
}

async function server(handler: (body: string, res: http.ServerResponse, req: http.IncomingMessage) => void): Promise<Server> {
  const s: Server = { port: 0, sockets: [], bodies: [], close: async () => undefined };
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      s.sockets.push(req.socket.remotePort!);
      s.bodies.push(body);
      handler(body, res, req);
    });
  });
  srv.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  s.port = (srv.address() as net.AddressInfo).port;
  s.close = () => new Promise((r) => (srv.closeAllConnections(), srv.close(() => r())));
  return s;
}

function pool(port: number, o: Partial<PoolOptions> = {}): ConnectionPool {
  return new ConnectionPool({ hostname: '127.0.0.1', port, secure: false, insecure: false, maxSockets: 4, timeoutMs: 2000, ...o });
}

const send = (p: ConnectionPool, id: string) =>
  new Promise<{ err?: Error; res?: ParsedResponse; assigned: boolean }>((resolve) => {
    let assigned = false;
    p.send(REQUEST(id), () => (assigned = true), (err, res) => resolve({ err, res, assigned }));
  });

describe('connection pool', () => {
  it('reuses one keep-alive socket for sequential requests', async () => {
    const s = await server((body, res) => res.end(JSON.stringify({ echo: body })));
    const p = pool(s.port);
    try {
      for (const id of ['a', 'b', 'c']) {
        const r = await send(p, id);
        expect(r.res).toMatchObject({ status: 200, body: `{"echo":"${id}"}` });
        expect(r.assigned).toBe(true);
      }
      expect(new Set(s.sockets).size).toBe(1);
    } finally {
      p.close();
      await s.close();
    }
  });

  it('never opens more than maxSockets and serves waiting requests in order', async () => {
    const held: http.ServerResponse[] = [];
    const s = await server((_b, res) => held.push(res));
    const p = pool(s.port, { maxSockets: 2 });
    try {
      const all = ['1', '2', '3', '4', '5'].map((id) => send(p, id));
      await new Promise((r) => setTimeout(r, 100));
      expect(held.length).toBe(2);
      expect(p.openSockets).toBe(2);
      // Answer one at a time: each answer lets exactly the next waiting request through.
      while (held.length < 5 || held.some((r) => !r.writableEnded)) {
        const open = held.find((r) => !r.writableEnded);
        if (open) open.end('{}');
        await new Promise((r) => setTimeout(r, 20));
      }
      await Promise.all(all);
      expect(s.bodies).toEqual(['1', '2', '3', '4', '5']);
      expect(new Set(s.sockets).size).toBe(2);
    } finally {
      p.close();
      await s.close();
    }
  });

  it('fails a request with no response within the timeout, and the socket is not reused', async () => {
    const s = await server((body, res) => (body === 'slow' ? undefined : res.end('{}')));
    const p = pool(s.port, { timeoutMs: 150 });
    try {
      const t0 = Date.now();
      const r = await send(p, 'slow');
      expect(r.err?.message).toBe('timeout after 150 ms');
      expect(Date.now() - t0).toBeLessThan(1000);
      expect((await send(p, 'fast')).res?.status).toBe(200);
      expect(s.sockets[0]).not.toBe(s.sockets[1]);
    } finally {
      p.close();
      await s.close();
    }
  });

  it('reports refused connections, and a server that closes the socket mid-request', async () => {
    const closed = await server((_b, _res, req) => req.socket.destroy());
    const p = pool(closed.port);
    expect((await send(p, 'x')).err?.message).toBe('socket hang up');
    p.close();
    await closed.close();
    const refused = pool(closed.port);
    expect((await send(refused, 'x')).err?.message).toMatch(/ECONNREFUSED/);
    refused.close();
  });

  it('opens a new socket after the server closed an idle one, and honours Connection: close', async () => {
    const s = await server((body, res, req) => {
      if (body === 'bye') res.setHeader('Connection', 'close');
      res.end('{}');
      if (body === 'idle-close') setTimeout(() => req.socket.destroy(), 20);
    });
    const p = pool(s.port);
    try {
      expect((await send(p, 'idle-close')).res?.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect((await send(p, 'bye')).res).toMatchObject({ status: 200, close: true });
      expect((await send(p, 'again')).res?.status).toBe(200);
      expect(new Set(s.sockets).size).toBe(3);
    } finally {
      p.close();
      await s.close();
    }
  });

  it('fails waiting and in-flight requests on close, and any later request', async () => {
    const s = await server(() => undefined);
    const p = pool(s.port, { maxSockets: 1 });
    const inFlight = send(p, 'a');
    const waiting = send(p, 'b');
    await new Promise((r) => setTimeout(r, 50));
    p.close();
    expect((await waiting).err?.message).toBe('client closed');
    expect((await inFlight).err?.message).toBe('socket hang up');
    expect((await send(p, 'c')).err?.message).toBe('client closed');
    await s.close();
  });
});
