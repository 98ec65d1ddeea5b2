import type { Express } from 'express';
import request from 'supertest';
import { buildContainer, resolveServices } from '../../cmd/fleet/container';
import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import { MockClock } from '../../internal/clock/clock';
import { defaultConfig, type FleetConfig } from '../../internal/config/config';
import type { Datastore, User } from '../../internal/fleet';
import type { Mailer } from '../../internal/mail/mailer';
import { createMetrics } from '../../internal/metrics';
import type { TlsInfo } from '../../internal/tls/tls-info';
import { createApp } from '../../transport/http/app';
import type { HealthChecker, Services } from '../../transport/http/services';
import { silentLogger } from './silent-logger';

/** A password that satisfies Fleet's complexity rule. */
export const PASSWORD = 'p4ssw0rd!';

export interface TestAppOptions {
  datastore?: Datastore;
  config?: (c: FleetConfig) => void;
  mailer?: Mailer;
  tls?: TlsInfo;
  health?: HealthChecker[];
}

export interface TestApp {
  app: Express;
  ds: Datastore;
  services: Services;
  config: FleetConfig;
  clock: MockClock;
  /** A supertest client for the app. */
  http: () => ReturnType<typeof request>;
  /** Runs setup (admin `admin`/`admin@example.com`) and returns the admin's token. */
  setup(): Promise<{ token: string; user: User }>;
  /** Creates a user directly through the service and logs them in. */
  createUser(fields?: Partial<{ username: string; email: string; admin: boolean; name: string }>): Promise<{ token: string; user: User }>;
  login(username: string, password?: string): Promise<string>;
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
  const container = buildContainer({ config, datastore: ds, logger: silentLogger, clock, mailer: opts.mailer, tls: opts.tls });
  const services = resolveServices(container);
  const app = createApp({
    config,
    logger: silentLogger,
    metrics: createMetrics(),
    services,
    health: opts.health ?? [{ name: 'datastore', check: () => ds.healthCheck() }],
  });
  const http = () => request(app);
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
    http,
    login,
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
      await ds.close();
    },
  };
}
