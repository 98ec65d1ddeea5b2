// The one HTTP client fleetctl talks to the server with (JSON in, JSON out, bearer token).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { ApiError, CliError } from './errors';

export interface ClientOptions {
  address: string;
  token?: string;
  urlPrefix?: string;
  tlsSkipVerify?: boolean;
  /** Path of a PEM bundle trusted instead of the system roots. */
  rootca?: string;
  /** Writes one line per request/response (no secrets) when set. */
  debug?: (line: string) => void;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  body: unknown;
}

/** Path of the admin API as 3.8+ clients call it; the server also serves /api/v1/kolide. */
export const API = '/api/v1/fleet';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export class FleetClient {
  readonly base: URL;
  private token: string;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly opts: ClientOptions) {
    this.base = parseAddress(opts.address);
    this.token = opts.token ?? '';
    if (this.base.protocol === 'https:') {
      this.transport = https;
      this.agent = new https.Agent({ keepAlive: true, rejectUnauthorized: !opts.tlsSkipVerify, ca: readRootCa(opts.rootca) });
    } else {
      this.transport = http;
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  setToken(token: string): void {
    this.token = token;
  }

  /** Full URL of a server path, honouring the context's url-prefix. */
  url(path: string): URL {
    const prefix = (this.opts.urlPrefix ?? '').replace(/\/+$/, '');
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const u = new URL(this.base.href);
    const [pathname, query] = `${basePath}${prefix}${path}`.split('?', 2) as [string, string | undefined];
    u.pathname = pathname;
    u.search = query ? `?${query}` : '';
    return u;
  }

  /** TLS options for other connections to the same server (the live-query WebSocket). */
  tlsOptions(): { rejectUnauthorized: boolean; ca?: Buffer } {
    return { rejectUnauthorized: !this.opts.tlsSkipVerify, ca: readRootCa(this.opts.rootca) };
  }

  get bearer(): string {
    return this.token;
  }

  /** Any status comes back; only a failed connection throws. */
  raw(method: string, path: string, body?: unknown, authenticated = true): Promise<RawResponse> {
    const url = this.url(path);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
    if (payload) headers['Content-Length'] = String(payload.length);
    if (authenticated && this.token) headers.Authorization = `Bearer ${this.token}`;
    const started = Date.now();
    this.opts.debug?.(`> ${method} ${url.href}${payload ? ` (${payload.length} bytes)` : ''}`);
    return new Promise<RawResponse>((resolve, reject) => {
      const req = this.transport.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(connectionError(this.base, err)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          this.opts.debug?.(`< ${res.statusCode} ${method} ${url.pathname} in ${Date.now() - started} ms (${text.length} bytes)`);
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // Non-JSON bodies stay text; error messages then read "unknown" as Fleet's do.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.setTimeout(this.opts.timeoutMs ?? 60_000, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (err) => reject(connectionError(this.base, err)));
      req.end(payload);
    });
  }

  /** A 2xx body, or an ApiError carrying Fleet's "<message>: <reason>". */
  async request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    if (res.status < 200 || res.status > 299) throw new ApiError(res.status, res.body);
    return res.body as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * http(s)://host[:port][/path]. Plain http is refused for anything but loopback so a token
 * never crosses a network in clear.
 */
export function parseAddress(address: string): URL {
  if (!address) throw new CliError('set the Fleet API address with: fleetctl config set --address=https://localhost:8080');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new CliError(`invalid address "${address}": it must look like https://fleet.example.com:8080`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`invalid address "${address}": the scheme must be https:// (or http:// for localhost)`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw new CliError(`address must start with https:// for remote connections (got "${address}")`);
  }
  return url;
}

function readRootCa(path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`cannot read rootca ${path}: ${(err as Error).message}`);
  }
}

function connectionError(base: URL, err: Error & { code?: string }): CliError {
  const why = err.code ?? err.message;
  return new CliError(`cannot reach the Fleet server at ${base.origin}: ${why}`);
}
