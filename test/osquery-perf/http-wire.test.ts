// The simulator's own HTTP client must put the same bytes on the wire as node:http did,
// and read every response framing a server may use.
import http from 'node:http';
import net from 'node:net';
import { hostHeader, postHeadTemplate, postRequest, ResponseParser } from '../../cmd/osquery-perf/http-wire';

/** The bytes node:http sends for the request the simulator used to make with it. */
async function nodeHttpBytes(path: string, userAgent: string, payload: string): Promise<{ bytes: Buffer; port: number }> {
  let bytes = Buffer.alloc(0);
  const tail = Buffer.from(payload);
  const server = net.createServer((s) => {
    s.on('data', (d: Buffer) => {
      bytes = Buffer.concat([bytes, d]);
      if (bytes.subarray(-tail.length).equals(tail)) s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4, scheduling: 'lifo' });
  await new Promise<void>((resolve, reject) => {
    const req = http.request({
      hostname: '127.0.0.1', port, path, method: 'POST', agent, timeout: 16000,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': userAgent, 'Content-Length': Buffer.byteLength(payload) },
    });
    req.on('response', (res) => res.resume().on('end', resolve));
    req.on('error', reject);
    req.end(payload);
  });
  agent.destroy();
  await new Promise((r) => server.close(r));
  return { bytes, port };
}

describe('request bytes', () => {
  it('equal what node:http writes for the same POST, multi-byte body included', async () => {
    const payload = JSON.stringify({ node_key: 'k€y', data: [{ message: 'é' }] });
    const { bytes, port } = await nodeHttpBytes('/api/v1/osquery/log', 'osquery/5.12.1', payload);
    const ours = postRequest(postHeadTemplate('/api/v1/osquery/log', 'osquery/5.12.1', hostHeader('127.0.0.1', port, false)), payload);
    expect(Buffer.from(ours, 'utf8').toString('latin1')).toBe(bytes.toString('latin1'));
  });

  it('write Host like node:http', () => {
    expect(hostHeader('fleet.example.com', 443, true)).toBe('fleet.example.com');
    expect(hostHeader('fleet.example.com', 443, false)).toBe('fleet.example.com:443');
    expect(hostHeader('::1', 8080, false)).toBe('[::1]:8080');
    expect(hostHeader('10.0.0.1', 80, false)).toBe('10.0.0.1');
  });
});

/** Feeds `text` split at every `step` bytes; the response must appear exactly at the end. */
function parseInPieces(text: string, step: number) {
  const bytes = Buffer.from(text, 'utf8');
  const p = new ResponseParser();
  let out;
  for (let i = 0; i < bytes.length; i += step) {
    expect(out).toBeUndefined();
    out = p.feed(bytes.subarray(i, i + step));
  }
  return out;
}

describe('response parser', () => {
  const bodies = ['{"queries":{}}', '{"node_key":"ünïcode"}'];

  it.each([1, 3, 1000])('reads Content-Length bodies fed %i bytes at a time', (step) => {
    for (const body of bodies) {
      const res = parseInPieces(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nKeep-Alive: timeout=65\r\n\r\n${body}`, step);
      expect(res).toEqual({ status: 200, body, close: false, keepAliveMs: 65000 });
    }
  });

  it.each([1, 4, 1000])('reads chunked bodies with extensions and trailers fed %i bytes at a time', (step) => {
    const res = parseInPieces('HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\n{"err\r\nE\r\nor":"no such"}\r\n0\r\nX-T: 1\r\n\r\n', step);
    expect(res).toEqual({ status: 401, body: '{"error":"no such"}', close: false });
  });

  it('skips 1xx, has no body on 204, and honours Connection: close', () => {
    expect(new ResponseParser().feed(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'))).toEqual({
      status: 204, body: '', close: true,
    });
  });

  it('reads a body without length until the socket ends, and reports truncation', () => {
    const p = new ResponseParser();
    expect(p.feed(Buffer.from('HTTP/1.0 500 Oops\r\n\r\n<html>'))).toBeUndefined();
    expect(p.feed(Buffer.from('</html>'))).toBeUndefined();
    expect(p.end()).toEqual({ status: 500, body: '<html></html>', close: true });
    const cut = new ResponseParser();
    cut.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"'));
    expect(cut.end()).toBeUndefined();
  });

  it('rejects garbage', () => {
    expect(() => new ResponseParser().feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/bad status line/);
    expect(() => new ResponseParser().feed(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/chunk size/);
  });
});
