import type { Express } from 'express';
import request from 'supertest';
import { createServer, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import { buildContainer, closeAgentRuntime, resolveServices } from '../../cmd/fleet/container';
import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import type { InvalidationBus } from '../../internal/cache/invalidation-bus';
import { MockClock } from '../../internal/clock/clock';
import { defaultConfig, type FleetConfig } from '../../internal/config/config';
import { TYPES } from '../../internal/container/identifiers';
import type { Datastore, User } from '../../internal/fleet';
import type { Mailer } from '../../internal/mail/mailer';
import { createMetrics } from '../../internal/metrics';
import type { TlsInfo } from '../../internal/tls/tls-info';
import { createApp } from '../../transport/http/app';
import { createAgentHandler, type AgentBodyLimits } from '../../transport/osquery';
import type { CarveService, OsqueryService } from '../../internal/fleet';
import type { AgentLogWriters, AgentServiceOptions } from '../../service/osquery';
import type { JobRunnerOptions } from '../../service/jobs/job-runner';
import type { LiveQueryServiceOptions } from '../../service/live-query.service';
import type { HealthChecker, Services } from '../../transport/http/services';
import { attachResultStream, type ResultStream, type ResultStreamOptions } from '../../transport/websocket';
import type { LiveQueryService } from '../../internal/fleet';
import { silentLogger } from './silent-logger';

/** A password that satisfies Fleet's complexity rule. */
export const PASSWORD = 'p4ssw0rd!';

export interface TestAppOptions {
  datastore?: Datastore;
  config?: (c: FleetConfig) => void;
  mailer?: Mailer;
  tls?: TlsInfo;
  health?: HealthChecker[];
  /** osquery log writers; by default lines are recorded in memory (`t.logs`). */
  logWriters?: AgentLogWriters;
  /** Agent-path tuning (e.g. seenFlushIntervalMs: 0 = flush only when asked). */
  agent?: Partial<AgentServiceOptions>;
  agentLimits?: Partial<AgentBodyLimits>;
  jobs?: Partial<JobRunnerOptions>;
  /** Live-query stream tuning (e.g. a short totals/status tick). */
  liveQueryService?: Partial<LiveQueryServiceOptions>;
}

/** Log writers that keep every line in memory, per log type. */
export class RecordingLogWriters implements AgentLogWriters {
  readonly lines: { status: string[]; result: string[] } = { status: [], result: [] };
  /** When set, writes reject with this error. */
  failWith: Error | null = null;
  readonly status = { write: (lines: string[]) => this.record('status', lines) };
  readonly result = { write: (lines: string[]) => this.record('result', lines) };
  private async record(kind: 'status' | 'result', lines: string[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.lines[kind].push(...lines);
  }
}

export interface ListenOptions {
  /** The live-query service behind the result stream (default: the container's, when bound). */
  liveQuery?: LiveQueryService;
  /** Result-stream tuning; tests default to a 50 ms SockJS disconnect delay. */
  resultStream?: Partial<ResultStreamOptions>;
}

/** The combined listener and the live-query result stream on a real loopback server. */
export interface ListeningTestApp {
  server: HttpServer;
  /** `http://127.0.0.1:<port><url_prefix>` */
  url: string;
  port: number;
  /** Undefined when no live-query service was available. */
  stream?: ResultStream;
  close(): Promise<void>;
}

export interface TestApp {
  app: Express;
  ds: Datastore;
  services: Services;
  config: FleetConfig;
  clock: MockClock;
  /** The container's invalidation bus (subscribe to observe cache events). */
  bus: InvalidationBus;
  /** A supertest client for the app. */
  http: () => ReturnType<typeof request>;
  /** A supertest client for the combined listener (agent routes first, then the app). */
  agent: () => ReturnType<typeof request>;
  /** The combined request listener, as `fleet serve` runs it. */
  listener: RequestListener;
  container: Container;
  osquery: OsqueryService;
  /** Lines written by /log when the default recording writers are used. */
  logs: RecordingLogWriters;
  /** Runs setup (admin `admin`/`admin@example.com`) and returns the admin's token. */
  setup(): Promise<{ token: string; user: User }>;
  /** Creates a user directly through the service and logs them in. */
  createUser(fields?: Partial<{ username: string; email: string; admin: boolean; name: string }>): Promise<{ token: string; user: User }>;
  login(username: string, password?: string): Promise<string>;
  /** Starts a real HTTP server (closed by `close()` too). */
  listen(opts?: ListenOptions): Promise<ListeningTestApp>;
  close(): Promise<void>;
}

let counter = 0;

/** The real service graph and HTTP app over a fresh in-memory store (cheap bcrypt). */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const config = defaultConfig();
  config.datastore = 'inmem';
  config.auth.bcrypt_cost = 4;
  config.auth.login_rate_per_minute = 1000;
  opts.config?.(config);
  const ds = opts.datastore ?? new InmemDatastore();
  await ds.prepare();
  const clock = new MockClock();
  const logs = new RecordingLogWriters();
  const container = buildContainer({
    config,
    datastore: ds,
    logger: silentLogger,
    clock,
    mailer: opts.mailer,
    tls: opts.tls,
    logWriters: opts.logWriters ?? logs,
    agent: opts.agent,
    jobs: opts.jobs,
    liveQueryService: opts.liveQueryService,
  });
  const services = resolveServices(container);
  const metrics = createMetrics();
  const app = createApp({
    config,
    logger: silentLogger,
    metrics,
    services,
    health: opts.health ?? [{ name: 'datastore', check: () => ds.healthCheck() }],
  });
  const osquery = container.get<OsqueryService>(TYPES.OsqueryService);
  const agentHandler = createAgentHandler({
    service: osquery,
    carves: container.get<CarveService>(TYPES.CarveService),
    logger: silentLogger,
    metrics,
    urlPrefix: config.server.url_prefix,
    limits: opts.agentLimits,
  });
  const listener: RequestListener = (req, res) => {
    if (!agentHandler(req, res)) app(req, res);
  };
  const http = () => request(app);
  const servers = new Set<ListeningTestApp>();
  const listen = async (lopts: ListenOptions = {}): Promise<ListeningTestApp> => {
    const server = createServer(listener);
    const liveQuery =
      lopts.liveQuery ??
      (container.isBound(TYPES.LiveQueryService) ? container.get<LiveQueryService>(TYPES.LiveQueryService) : undefined);
    const stream = liveQuery
      ? attachResultStream(
          server,
          { sessions: services.sessions, liveQuery, logger: silentLogger, urlPrefix: config.server.url_prefix },
          { sockjsDisconnectDelayMs: 50, ...lopts.resultStream },
        )
      : undefined;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const listening: ListeningTestApp = {
      server,
      port,
      url: `http://127.0.0.1:${port}${config.server.url_prefix}`,
      stream,
      async close() {
        if (!servers.delete(listening)) return;
        stream?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      },
    };
    servers.add(listening);
    return listening;
  };
  const login = async (username: string, password = PASSWORD) => {
    const res = await http().post('/api/v1/fleet/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
    return res.body.token as string;
  };
  return {
    app,
    ds,
    services,
    config,
    clock,
    bus: container.get<InvalidationBus>(TYPES.InvalidationBus),
    http,
    agent: () => request(listener),
    listener,
    container,
    osquery,
    logs,
    login,
    listen,
    async setup() {
      const res = await http()
        .post('/api/v1/setup')
        .send({
          admin: { username: 'admin', email: 'admin@example.com', password: PASSWORD, admin: true, name: 'Admin' },
          org_info: { org_name: 'Acme' },
          kolide_server_url: 'https://fleet.example.com',
        });
      if (res.status !== 200) throw new Error(`setup failed: ${res.status} ${res.text}`);
      return { token: res.body.token, user: await ds.user(res.body.admin.id) };
    },
    async createUser(fields = {}) {
      const n = ++counter;
      const user = await services.users.createUser({
        username: fields.username ?? `user${n}`,
        email: fields.email ?? `user${n}@example.com`,
        password: PASSWORD,
        name: fields.name ?? `User ${n}`,
        admin: fields.admin ?? false,
      });
      return { user, token: await login(user.username) };
    },
    async close() {
      for (const s of [...servers]) await s.close();
      await closeAgentRuntime(container);
      await ds.close();
    },
  };
}
