import type {
  AppConfigService,
  HostService,
  InviteService,
  LabelService,
  SessionService,
  SetupService,
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
}

/** A backing service /healthz checks (datastore, Redis, …). */
export interface HealthChecker {
  name: string;
  check(): Promise<void>;
}
