// HTTP/1.1 bytes for the simulator's own client: the request head node:http would send
// for the same request (same header order and casing, so the wire does not change), and
// an incremental response parser for Content-Length, chunked and read-until-close bodies.
// node:http's ClientRequest/IncomingMessage streams cost several times more CPU per
// request than the requests themselves at tens of thousands of simulated hosts.

/** `Host` as node:http writes it: IPv6 literals in brackets, the port unless it is the default. */
export function hostHeader(hostname: string, port: number, secure: boolean): string {
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return port === (secure ? 443 : 80) ? host : `${host}:${port}`;
}

/** Everything of a POST head before the Content-Length value, and everything after it. */
export interface HeadTemplate {
  before: string;
  after: string;
}

/** Same bytes as `http.request({method: 'POST', path, headers: {Content-Type, Accept, User-Agent, Content-Length}})` on a keep-alive agent. */
export function postHeadTemplate(path: string, userAgent: string, host: string): HeadTemplate {
  return {
    before: `POST ${path} HTTP/1.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nUser-Agent: ${userAgent}\r\nContent-Length: `,
    after: `\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`,
  };
}

export function postRequest(t: HeadTemplate, payload: string): string {
  return t.before + Buffer.byteLength(payload) + t.after + payload;
}

export interface ParsedResponse {
  status: number;
  body: string;
  /** The server asked to close (`Connection: close`, or HTTP/1.0 without keep-alive). */
  close: boolean;
  /** `Keep-Alive: timeout=N` in ms, if the server sent one. */
  keepAliveMs?: number;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

/**
 * Feeds bytes of one response at a time. `feed` returns the response once complete (any
 * bytes after it are ignored: the client never pipelines) and throws on malformed input.
 */
export class ResponseParser {
  private head: Buffer | undefined;
  private status = 0;
  private close = false;
  private keepAliveMs: number | undefined;
  /** Remaining body bytes (-1: until close; chunked uses chunkLeft). */
  private remaining = 0;
  private chunked = false;
  private chunkLeft = -1;
  private chunkLine = '';
  private trailer = false;
  private readonly body: Buffer[] = [];

  feed(data: Buffer): ParsedResponse | undefined {
    if (this.status === 0) {
      const buf: Buffer = this.head ? Buffer.concat([this.head, data]) : data;
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        if (buf.length > MAX_HEAD) throw new Error('response head too large');
        this.head = buf;
        return undefined;
      }
      this.head = undefined;
      this.parseHead(buf.toString('latin1', 0, end));
      if (this.status < 200) {
        // 1xx interim response: the real one follows.
        this.status = 0;
        return this.feed(buf.subarray(end + 4));
      }
      data = buf.subarray(end + 4);
      if (this.remaining === 0 && !this.chunked) return this.done();
    }
    return this.chunked ? this.feedChunked(data) : this.feedPlain(data);
  }

  /** The socket ended: a read-until-close body is complete, anything else is truncated. */
  end(): ParsedResponse | undefined {
    return this.status !== 0 && this.remaining === -1 && !this.chunked ? this.done() : undefined;
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]!);
    if (!m) throw new Error(`bad status line: ${lines[0]!.slice(0, 60)}`);
    this.status = Number(m[2]);
    this.chunked = false;
    this.keepAliveMs = undefined;
    let length: number | undefined;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') this.chunked = /(^|,)\s*chunked\s*$/i.test(value);
      else if (name === 'connection') connection = value.toLowerCase();
      else if (name === 'keep-alive') {
        const t = /timeout=(\d+)/i.exec(value);
        if (t) this.keepAliveMs = Number(t[1]) * 1000;
      }
    }
    this.close = connection.includes('close') || (m[1] === '0' && !connection.includes('keep-alive'));
    const noBody = this.status === 204 || this.status === 304;
    if (noBody) this.remaining = 0;
    else if (this.chunked) this.remaining = 0;
    else if (length !== undefined) {
      if (!Number.isInteger(length) || length < 0) throw new Error('bad content-length');
      this.remaining = length;
    } else {
      this.remaining = -1;
      this.close = true;
    }
    if (noBody) this.chunked = false;
  }

  private feedPlain(data: Buffer): ParsedResponse | undefined {
    if (this.remaining === -1) {
      if (data.length) this.body.push(data);
      return undefined;
    }
    const take = Math.min(this.remaining, data.length);
    if (take > 0) this.body.push(take === data.length ? data : data.subarray(0, take));
    this.remaining -= take;
    return this.remaining === 0 ? this.done() : undefined;
  }

  private feedChunked(data: Buffer): ParsedResponse | undefined {
    let i = 0;
    while (i < data.length) {
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, data.length - i);
        this.body.push(data.subarray(i, i + take));
        this.chunkLeft -= take;
        i += take;
        continue;
      }
      // Size lines, the CRLF after chunk data and the trailer section, byte by byte.
      const nl = data.indexOf(10, i);
      if (nl < 0) {
        this.chunkLine += data.toString('latin1', i);
        return undefined;
      }
      const line = (this.chunkLine + data.toString('latin1', i, nl)).replace(/\r$/, '');
      this.chunkLine = '';
      i = nl + 1;
      if (this.trailer) {
        if (line === '') return this.done();
        continue;
      }
      if (this.chunkLeft === 0) {
        // The CRLF that ends a chunk's data.
        this.chunkLeft = -1;
        continue;
      }
      const size = parseInt(line.split(';')[0]!, 16);
      if (!Number.isFinite(size) || size < 0) throw new Error('bad chunk size');
      if (size === 0) this.trailer = true;
      else this.chunkLeft = size;
    }
    return undefined;
  }

  private done(): ParsedResponse {
    const body = this.body.length === 1 ? this.body[0]!.toString('utf8') : Buffer.concat(this.body).toString('utf8');
    const res: ParsedResponse = { status: this.status, body, close: this.close };
    if (this.keepAliveMs !== undefined) res.keepAliveMs = this.keepAliveMs;
    return res;
  }
}
