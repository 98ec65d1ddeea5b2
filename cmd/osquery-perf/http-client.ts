// POSTs JSON to Fleet's osquery endpoints over one shared keep-alive agent with a capped
// socket pool (thousands of simulated hosts must not open thousands of sockets), and
// judges responses the way osquery does: by the body's `node_invalid` / `error` keys.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
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
  error?: string;
}

export class OsqueryHttpClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  /** Request options per endpoint, built once (URL parsing per request shows up in profiles). */
  private readonly targets: Record<Endpoint, http.RequestOptions>;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly opts: HttpClientOptions, private readonly stats: StatsCollector) {
    this.base = new URL(opts.serverUrl);
    const secure = this.base.protocol === 'https:';
    this.transport = secure ? https : http;
    const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets, scheduling: 'lifo' as const };
    this.agent = secure ? new https.Agent({ ...agentOpts, rejectUnauthorized: !opts.insecure }) : new http.Agent(agentOpts);
    const basePath = this.base.pathname.replace(/\/+$/, '');
    this.targets = Object.fromEntries(
      Object.entries(ROUTES).map(([e, path]) => [
        e,
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: this.base.port || (secure ? 443 : 80),
          path: basePath + path,
          method: 'POST',
          agent: this.agent,
          timeout: opts.timeoutMs,
        },
      ]),
    ) as Record<Endpoint, http.RequestOptions>;
  }

  post(endpoint: Endpoint, body: unknown, userAgent: string): Promise<CallResult> {
    const payload = JSON.stringify(body);
    return new Promise<CallResult>((resolve) => {
      // Latency is measured from socket assignment so time spent queued for a pooled
      // socket (a client-side limit) does not pollute the server's numbers.
      let startedAt = performance.now();
      let settled = false;
      const finish = (result: CallResult) => {
        if (settled) return;
        settled = true;
        const outcome: Outcome = result.nodeInvalid ? 'node_invalid' : result.ok ? 'ok' : 'error';
        this.stats.recordRequest(endpoint, outcome, performance.now() - startedAt);
        resolve(result);
      };
      const req = this.transport.request({
        ...this.targets[endpoint],
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'User-Agent': userAgent,
          'Content-Length': Buffer.byteLength(payload),
        },
      });
      req.once('socket', () => {
        startedAt = performance.now();
      });
      req.once('timeout', () => req.destroy(new Error(`timeout after ${this.opts.timeoutMs} ms`)));
      req.once('error', (err) => finish({ ok: false, nodeInvalid: false, status: 0, error: err.message }));
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', (err) => finish({ ok: false, nodeInvalid: false, status: res.statusCode ?? 0, error: err.message }));
        res.once('end', () => finish(judge(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
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
  const result: CallResult = { ok, nodeInvalid, status, body: obj };
  if (!ok) result.error = error ?? (nodeInvalid ? 'node_invalid' : `HTTP ${status}`);
  return result;
}
