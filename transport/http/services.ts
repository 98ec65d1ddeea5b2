import type {
  AppConfigService,
  CarveService,
  HostService,
  InviteService,
  LabelService,
  LiveQueryService,
  LiveQueryStatusService,
  PackService,
  QueryService,
  SessionService,
  SetupService,
  TargetService,
  UserService,
} from '../../internal/fleet';

/** The service interfaces the HTTP transport calls; implementations come from the container. */
export interface Services {
  setup: SetupService;
  sessions: SessionService;
  users: UserService;
  invites: InviteService;
  appConfig: AppConfigService;
  hosts: HostService;
  labels: LabelService;
  queries: QueryService;
  packs: PackService;
  targets: TargetService;
  /** Live-query campaigns and status checks; their routes are mounted only when present. */
  liveQuery?: LiveQueryService & LiveQueryStatusService;
  /** File carving; its routes are mounted only when present. */
  carves?: CarveService;
}

/** A backing service /healthz checks (datastore, Redis, …). */
export interface HealthChecker {
  name: string;
  check(): Promise<void>;
}
