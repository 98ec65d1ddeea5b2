// POSTs JSON to Fleet's osquery endpoints over one capped pool of keep-alive sockets
// shared by all agents (thousands of simulated hosts must not open thousands of sockets),
// and judges responses the way osquery does: by the body's `node_invalid` / `error` keys.
// The bytes on the wire are those node:http would send (see http-wire.ts); the client is
// our own because node:http's per-request machinery dominated the simulator's CPU.
import { performance } from 'node:perf_hooks';
import { ConnectionPool } from './connection-pool';
import { hostHeader, postHeadTemplate, postRequest, type HeadTemplate } from './http-wire';
import type { Endpoint, Outcome, StatsCollector } from './stats';

export const ROUTES: Record<Endpoint, string> = {
  enroll: '/api/v1/osquery/enroll',
  config: '/api/v1/osquery/config',
  distributed_read: '/api/v1/osquery/distributed/read',
  distributed_write: '/api/v1/osquery/distributed/write',
  log: '/api/v1/osquery/log',
};

export interface HttpClientOptions {
  serverUrl: string;
  /** Skip TLS certificate verification (self-signed dev servers). */
  insecure: boolean;
  maxSockets: number;
  /** osquery's client gives up after 16 s. */
  timeoutMs: number;
}

export interface CallResult {
  ok: boolean;
  nodeInvalid: boolean;
  status: number;
  /** Parsed JSON body (undefined on network errors or non-JSON bodies). */
  body?: Record<string, unknown>;
  /** The body as received (only on responses that parsed as a JSON object). */
  text?: string;
  error?: string;
}

export class OsqueryHttpClient {
  private readonly pool: ConnectionPool;
  private readonly paths: Record<Endpoint, string>;
  private readonly host: string;
  /** Request heads per endpoint and User-Agent, built once (a handful of distinct ones). */
  private readonly heads = new Map<string, HeadTemplate>();

  constructor(private readonly opts: HttpClientOptions, private readonly stats: StatsCollector) {
    const base = new URL(opts.serverUrl);
    const secure = base.protocol === 'https:';
    const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(base.port || (secure ? 443 : 80));
    this.host = hostHeader(hostname, port, secure);
    this.pool = new ConnectionPool({ hostname, port, secure, insecure: opts.insecure, maxSockets: opts.maxSockets, timeoutMs: opts.timeoutMs });
    const basePath = base.pathname.replace(/\/+$/, '');
    this.paths = Object.fromEntries(Object.entries(ROUTES).map(([e, path]) => [e, basePath + path])) as Record<Endpoint, string>;
  }

  post(endpoint: Endpoint, body: unknown, userAgent: string): Promise<CallResult> {
    return this.postJson(endpoint, JSON.stringify(body), userAgent);
  }

  /** Like post() with the body already serialised (agents reuse unchanging bodies). */
  postJson(endpoint: Endpoint, payload: string, userAgent: string): Promise<CallResult> {
    return new Promise<CallResult>((resolve) => {
      // Latency is measured from socket assignment so time spent queued for a pooled
      // socket (a client-side limit) does not pollute the server's numbers.
      let startedAt = performance.now();
      this.pool.send(
        postRequest(this.head(endpoint, userAgent), payload),
        () => (startedAt = performance.now()),
        (err, res) => {
          const result: CallResult = err || !res ? { ok: false, nodeInvalid: false, status: 0, error: err?.message ?? 'no response' } : judge(res.status, res.body);
          const outcome: Outcome = result.nodeInvalid ? 'node_invalid' : result.ok ? 'ok' : 'error';
          this.stats.recordRequest(endpoint, outcome, performance.now() - startedAt);
          resolve(result);
        },
      );
    });
  }

  private head(endpoint: Endpoint, userAgent: string): HeadTemplate {
    const key = endpoint + '\n' + userAgent;
    let t = this.heads.get(key);
    if (!t) this.heads.set(key, (t = postHeadTemplate(this.paths[endpoint], userAgent, this.host)));
    return t;
  }

  close(): void {
    this.pool.close();
  }
}

/** osquery's rule: unparseable body or `error` → failure, `node_invalid: true` → re-enroll. */
export function judge(status: number, text: string): CallResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, nodeInvalid: false, status, error: `non-JSON response (HTTP ${status})` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, nodeInvalid: false, status, error: `unexpected response body (HTTP ${status})` };
  }
  const obj = body as Record<string, unknown>;
  const nodeInvalid = obj.node_invalid === true;
  const error = typeof obj.error === 'string' ? obj.error : obj.error !== undefined ? JSON.stringify(obj.error) : undefined;
  const ok = status >= 200 && status < 300 && !nodeInvalid && error === undefined;
  const result: CallResult = { ok, nodeInvalid, status, body: obj, text };
  if (!ok) result.error = error ?? (nodeInvalid ? 'node_invalid' : `HTTP ${status}`);
  return result;
}
