// A tiny stand-in for Fleet's osquery endpoints (node:http), just faithful enough to
// drive the simulator: node keys, detail/label/live queries re-sent until answered,
// node_invalid on unknown keys, and switches to make endpoints fail.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export const DETAIL_QUERIES: Record<string, string> = {
  network_interface:
    'select address, mac from interface_details id join interface_addresses ia on ia.interface = id.interface where length(mac) > 0 order by (ibytes + obytes) desc',
  os_version: 'select * from os_version limit 1',
  osquery_flags:
    'select name, value from osquery_flags where name in ("distributed_interval", "config_tls_refresh", "config_refresh", "logger_tls_period")',
  osquery_info: 'select * from osquery_info limit 1',
  system_info: 'select * from system_info limit 1',
  uptime: 'select * from uptime limit 1',
};

/** Fleet 3.2.0 built-in labels with the IDs the fixtures assume. */
export const BUILTIN_LABELS: Record<number, string> = {
  6: 'select 1;',
  7: "select 1 from os_version where platform = 'darwin';",
  8: "select 1 from os_version where platform = 'ubuntu';",
  9: "select 1 from os_version where platform = 'centos' or name like '%centos%'",
  10: "select 1 from os_version where platform = 'windows';",
};

type Json = Record<string, any>;

export interface RecordedRequest {
  path: string;
  body: Json;
  raw: string;
  headers: http.IncomingHttpHeaders;
  at: number;
  status: number;
}

export interface FakeHost {
  identifier: string;
  nodeKey: string;
  enrollCount: number;
  enrollBodies: Json[];
  detailsAnswered: boolean;
  labelsAnswered: boolean;
  /** Latest answer per query name. */
  results: Map<string, { rows: Json[]; status: unknown; message: unknown }>;
  delivered: Set<string>;
  logs: { result: Json[]; status: Json[] };
}

export interface FakeFleetOptions {
  enrollSecret: string;
  config?: Json;
  labels?: Record<number, string>;
  prefix?: 'fleet' | 'kolide';
  accelerate?: number;
  /** Hand each live query to a host only once (so only the agent's retry can deliver it). */
  deliverCampaignsOnce?: boolean;
  /** Keep every request in `requests` (default true; off for long load runs). */
  recordRequests?: boolean;
  /** Keep received log lines per host (default true). */
  keepLogs?: boolean;
  /** Serve HTTPS with this key pair. */
  tls?: { key: string; cert: string };
}

export class FakeFleet {
  readonly requests: RecordedRequest[] = [];
  served = 0;
  readonly hosts = new Map<string, FakeHost>();
  private readonly byKey = new Map<string, FakeHost>();
  config: Json;
  labels: Record<number, string>;
  /** Live queries by campaign ID; delivered to every host until it answers. */
  readonly campaigns = new Map<number, string>();
  /** Number of upcoming requests per path to fail with 500 {"error":…}. */
  readonly failNext = new Map<string, number>();
  /** Set to fail every request on a path. */
  readonly failAll = new Set<string>();
  /** Extra milliseconds before answering (load shaping). */
  delayMs = 0;
  private server!: http.Server | https.Server;
  url = '';

  constructor(private readonly opts: FakeFleetOptions) {
    this.config = opts.config ?? { options: { distributed_interval: 10, logger_tls_period: 10 } };
    this.labels = opts.labels ?? BUILTIN_LABELS;
  }

  async start(port = 0): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = this.opts.tls ? https.createServer(this.opts.tls, handler) : http.createServer(handler);
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.url = `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith(path));
  }

  /** Every current node key stops working (as after a DB wipe): agents must re-enroll. */
  invalidateAllKeys(): void {
    for (const h of this.hosts.values()) {
      this.byKey.delete(h.nodeKey);
      h.nodeKey = '';
    }
  }

  private p(kind: string): string {
    return `${this.opts.prefix ?? 'fleet'}_${kind}_query_`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      let body: Json = {};
      try {
        body = JSON.parse(raw);
      } catch {
        /* recorded as {} */
      }
      const [status, out] = this.route(path, body);
      this.served++;
      if (this.opts.recordRequests !== false) this.requests.push({ path, body, raw, headers: req.headers, at: Date.now(), status });
      const send = () => {
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(out));
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    });
  }

  private route(path: string, body: Json): [number, Json] {
    const left = this.failNext.get(path) ?? 0;
    if (left > 0 || this.failAll.has(path)) {
      this.failNext.set(path, Math.max(0, left - 1));
      return [500, { error: 'injected failure' }];
    }
    if (path === '/api/v1/osquery/enroll') return this.enroll(body);
    const host = this.byKey.get(body.node_key);
    if (!host) return [401, { error: `authentication error: invalid node key: ${body.node_key}`, node_invalid: true }];
    switch (path) {
      case '/api/v1/osquery/config':
        return [200, this.config];
      case '/api/v1/osquery/distributed/read':
        return [200, this.read(host)];
      case '/api/v1/osquery/distributed/write':
        return this.write(host, body);
      case '/api/v1/osquery/log':
        if (body.log_type !== 'result' && body.log_type !== 'status') return [500, { error: `unknown log type: ${body.log_type}` }];
        if (this.opts.keepLogs !== false) host.logs[body.log_type as 'result' | 'status'].push(...body.data);
        return [200, {}];
      default:
        return [404, { message: 'not found' }];
    }
  }

  private enroll(body: Json): [number, Json] {
    if (body.enroll_secret !== this.opts.enrollSecret) return [401, { error: 'enroll failed: no matching secret found', node_invalid: true }];
    const id = body.host_identifier;
    if (!id) return [401, { error: 'save enroll failed: missing osquery host identifier', node_invalid: true }];
    let host = this.hosts.get(id);
    if (!host) {
      host = { identifier: id, nodeKey: '', enrollCount: 0, enrollBodies: [], detailsAnswered: false, labelsAnswered: false, results: new Map(), delivered: new Set(), logs: { result: [], status: [] } };
      this.hosts.set(id, host);
    }
    this.byKey.delete(host.nodeKey); // the previous key dies at once
    host.nodeKey = randomBytes(24).toString('base64');
    host.enrollCount++;
    host.enrollBodies.push(body);
    this.byKey.set(host.nodeKey, host);
    return [200, { node_key: host.nodeKey }];
  }

  private read(host: FakeHost): Json {
    const queries: Record<string, string> = {};
    if (!host.detailsAnswered) for (const [n, sql] of Object.entries(DETAIL_QUERIES)) queries[this.p('detail') + n] = sql;
    if (!host.labelsAnswered) for (const [id, sql] of Object.entries(this.labels)) queries[this.p('label') + id] = sql;
    for (const [id, sql] of this.campaigns) {
      const name = this.p('distributed') + id;
      if (host.results.has(name) || (this.opts.deliverCampaignsOnce && host.delivered.has(name))) continue;
      queries[name] = sql;
      host.delivered.add(name);
    }
    const out: Json = { queries };
    if (this.opts.accelerate) out.accelerate = this.opts.accelerate;
    return out;
  }

  private write(host: FakeHost, body: Json): [number, Json] {
    const queries: Record<string, Json[]> = body.queries ?? {};
    for (const [name, rows] of Object.entries(queries)) {
      host.results.set(name, { rows, status: body.statuses?.[name], message: body.messages?.[name] });
      if (name.startsWith(this.p('detail'))) host.detailsAnswered = true;
      if (name.startsWith(this.p('label'))) host.labelsAnswered = true;
    }
    return [200, {}];
  }
}

/** Polls until `check` is truthy (or throws after `timeoutMs`). */
export async function waitFor<T>(check: () => T, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
