import { Container } from 'inversify';
import { LocalInvalidationBus, type InvalidationBus } from '../../internal/cache/invalidation-bus';
import { systemClock, type Clock } from '../../internal/clock/clock';
import type { FleetConfig } from '../../internal/config/config';
import { TYPES } from '../../internal/container/identifiers';
import { PasswordHasher } from '../../internal/crypto/passwords';
import type {
  AppConfigService,
  Datastore,
  HostService,
  InviteService,
  LabelService,
  PackService,
  QueryService,
  SessionService,
  SetupService,
  TargetService,
  UserService,
} from '../../internal/fleet';
import type { Logger } from '../../internal/logging';
import { LocalLiveQueryStore, LocalResultPubSub, type LiveQueryStore, type ResultPubSub } from '../../internal/livequery';
import type { Mailer } from '../../internal/mail/mailer';
import { SmtpMailer } from '../../internal/mail/smtp-mailer';
import { LoginRateLimiter } from '../../internal/ratelimit/login-rate-limiter';
import type { TlsInfo } from '../../internal/tls/tls-info';
import type { LogWriters } from '../../internal/logwriter';
import { AppConfigServiceImpl } from '../../service/app-config.service';
import { CarveServiceImpl } from '../../service/carves.service';
import type { CarveService } from '../../internal/fleet';
import { HostServiceImpl } from '../../service/hosts.service';
import { InviteServiceImpl } from '../../service/invites.service';
import { LabelServiceImpl } from '../../service/labels.service';
import { LIVE_QUERY_SERVICE_OPTIONS, LiveQueryServiceImpl, type LiveQueryServiceOptions } from '../../service/live-query.service';
import { LIVE_QUERY_HOST_JSON, LiveQueryAgentSource, type LiveQueryHostJSON } from '../../service/osquery/live-query-source';
import { hostJSON } from '../../transport/http/hosts.serialize';
import { PackServiceImpl } from '../../service/packs.service';
import { QueryServiceImpl } from '../../service/queries.service';
import { SessionServiceImpl } from '../../service/sessions.service';
import { SetupServiceImpl } from '../../service/setup.service';
import { TargetServiceImpl } from '../../service/targets.service';
import { UserServiceImpl } from '../../service/users.service';
import { JOB_RUNNER_OPTIONS, JobRunner, type JobRunnerOptions } from '../../service/jobs/job-runner';
import {
  AGENT_SEAMS,
  AGENT_SERVICE_OPTIONS,
  DatastorePackSource,
  OsqueryServiceImpl,
  type PackSource,
  type LiveQuerySource,
  type AgentLogWriters,
  type AgentServiceOptions,
} from '../../service/osquery';
import type { OsqueryService } from '../../internal/fleet';
import type { Services } from '../../transport/http/services';

export interface ContainerDeps {
  config: FleetConfig;
  datastore: Datastore;
  logger: Logger;
  clock?: Clock;
  mailer?: Mailer;
  tls?: TlsInfo;
  /** The osquery status/result log writers (createLogWriters; async, so made by the caller). */
  logWriters?: AgentLogWriters & Partial<Pick<LogWriters, 'close'>>;
  /** Agent-path tuning (seen flush interval, host cache size); tests shorten it. */
  agent?: Partial<AgentServiceOptions>;
  /** Background job interval; tests drive runs themselves. */
  jobs?: Partial<JobRunnerOptions>;
  /** Live-query stream tuning (the 5 s totals/status tick); tests shorten it. */
  liveQueryService?: Partial<LiveQueryServiceOptions>;
  /**
   * Live-query store, result pub/sub and invalidation bus (createLiveQueryInfra: Redis when
   * configured). Absent: in-process implementations for a single process.
   */
  liveQuery?: { liveQueryStore: LiveQueryStore; resultPubSub: ResultPubSub; bus: InvalidationBus };
}

/** The one place the service graph is wired; tests build the same graph over any store. */
export function buildContainer(deps: ContainerDeps): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  const clock = deps.clock ?? systemClock;
  c.bind(TYPES.Config).toConstantValue(deps.config);
  c.bind(TYPES.Datastore).toConstantValue(deps.datastore);
  c.bind(TYPES.Logger).toConstantValue(deps.logger);
  c.bind(TYPES.Clock).toConstantValue(clock);
  c.bind(TYPES.InvalidationBus).toConstantValue(deps.liveQuery?.bus ?? new LocalInvalidationBus());
  c.bind(TYPES.LiveQueryStore).toConstantValue(deps.liveQuery?.liveQueryStore ?? new LocalLiveQueryStore());
  c.bind(TYPES.ResultPubSub).toConstantValue(deps.liveQuery?.resultPubSub ?? new LocalResultPubSub(deps.logger));
  c.bind(TYPES.Mailer).toConstantValue(deps.mailer ?? new SmtpMailer());
  c.bind(TYPES.TlsInfo).toConstantValue(deps.tls ?? { enabled: false, certPath: '' });
  c.bind(TYPES.PasswordHasher).toConstantValue(
    new PasswordHasher({ cost: deps.config.auth.bcrypt_cost, saltBytes: deps.config.auth.salt_key_size }),
  );
  c.bind(TYPES.LoginRateLimiter).toConstantValue(new LoginRateLimiter(deps.config.auth.login_rate_per_minute, clock));
  c.bind<SetupService>(TYPES.SetupService).to(SetupServiceImpl);
  c.bind<SessionService>(TYPES.SessionService).to(SessionServiceImpl);
  c.bind<UserService>(TYPES.UserService).to(UserServiceImpl);
  c.bind<InviteService>(TYPES.InviteService).to(InviteServiceImpl);
  c.bind<AppConfigService>(TYPES.AppConfigService).to(AppConfigServiceImpl);
  c.bind(TYPES.OsqueryLogWriters).toConstantValue(deps.logWriters ?? unconfiguredLogWriters);
  if (deps.agent) c.bind(AGENT_SERVICE_OPTIONS).toConstantValue(deps.agent);
  c.bind<PackSource>(AGENT_SEAMS.PackSource).to(DatastorePackSource);
  c.bind<OsqueryService>(TYPES.OsqueryService).to(OsqueryServiceImpl);
  if (deps.jobs) c.bind(JOB_RUNNER_OPTIONS).toConstantValue(deps.jobs);
  c.bind(JobRunner).toSelf();
  c.bind<HostService>(TYPES.HostService).to(HostServiceImpl);
  c.bind<LabelService>(TYPES.LabelService).to(LabelServiceImpl);
  c.bind<QueryService>(TYPES.QueryService).to(QueryServiceImpl);
  c.bind<PackService>(TYPES.PackService).to(PackServiceImpl);
  c.bind<TargetService>(TYPES.TargetService).to(TargetServiceImpl);
  c.bind<CarveService>(TYPES.CarveService).to(CarveServiceImpl);
  // Live queries: campaigns (REST + result stream) and their agent side.
  if (deps.liveQueryService) c.bind(LIVE_QUERY_SERVICE_OPTIONS).toConstantValue(deps.liveQueryService);
  c.bind(TYPES.LiveQueryService).to(LiveQueryServiceImpl);
  c.bind<LiveQueryHostJSON>(LIVE_QUERY_HOST_JSON).toConstantValue((h) => hostJSON(h));
  c.bind<LiveQuerySource>(AGENT_SEAMS.LiveQuerySource).to(LiveQueryAgentSource);
  return c;
}

export function resolveServices(c: Container): Services {
  return {
    setup: c.get<SetupService>(TYPES.SetupService),
    sessions: c.get<SessionService>(TYPES.SessionService),
    users: c.get<UserService>(TYPES.UserService),
    invites: c.get<InviteService>(TYPES.InviteService),
    appConfig: c.get<AppConfigService>(TYPES.AppConfigService),
    hosts: c.get<HostService>(TYPES.HostService),
    labels: c.get<LabelService>(TYPES.LabelService),
    queries: c.get<QueryService>(TYPES.QueryService),
    packs: c.get<PackService>(TYPES.PackService),
    targets: c.get<TargetService>(TYPES.TargetService),
    carves: c.get<CarveService>(TYPES.CarveService),
    liveQuery: c.get<LiveQueryServiceImpl>(TYPES.LiveQueryService),
  };
}

/** Without log writers (a container built for admin-only use) /log fails loudly, never silently. */
const unconfiguredLogWriters: AgentLogWriters = {
  status: { write: () => Promise.reject(new Error('osquery log writers are not configured')) },
  result: { write: () => Promise.reject(new Error('osquery log writers are not configured')) },
};

/**
 * Stops what the agent path runs in the background: the job timer, then pending seen times
 * are written, then the log writers are closed. Call after the listener stopped accepting.
 */
export async function closeAgentRuntime(c: Container, logWriters?: { close?: () => Promise<void> }): Promise<void> {
  await c.get(JobRunner).stop();
  await (c.get<OsqueryService>(TYPES.OsqueryService) as OsqueryServiceImpl).close();
  await logWriters?.close?.();
}
