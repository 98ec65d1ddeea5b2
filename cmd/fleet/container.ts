import { Container } from 'inversify';
import { systemClock, type Clock } from '../../internal/clock/clock';
import type { FleetConfig } from '../../internal/config/config';
import { TYPES } from '../../internal/container/identifiers';
import { PasswordHasher } from '../../internal/crypto/passwords';
import type {
  AppConfigService,
  Datastore,
  InviteService,
  SessionService,
  SetupService,
  UserService,
} from '../../internal/fleet';
import type { Logger } from '../../internal/logging';
import type { Mailer } from '../../internal/mail/mailer';
import { SmtpMailer } from '../../internal/mail/smtp-mailer';
import { LoginRateLimiter } from '../../internal/ratelimit/login-rate-limiter';
import type { TlsInfo } from '../../internal/tls/tls-info';
import { AppConfigServiceImpl } from '../../service/app-config.service';
import { InviteServiceImpl } from '../../service/invites.service';
import { SessionServiceImpl } from '../../service/sessions.service';
import { SetupServiceImpl } from '../../service/setup.service';
import { UserServiceImpl } from '../../service/users.service';
import type { Services } from '../../transport/http/services';

export interface ContainerDeps {
  config: FleetConfig;
  datastore: Datastore;
  logger: Logger;
  clock?: Clock;
  mailer?: Mailer;
  tls?: TlsInfo;
}

/** The one place the service graph is wired; tests build the same graph over any store. */
export function buildContainer(deps: ContainerDeps): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  const clock = deps.clock ?? systemClock;
  c.bind(TYPES.Config).toConstantValue(deps.config);
  c.bind(TYPES.Datastore).toConstantValue(deps.datastore);
  c.bind(TYPES.Logger).toConstantValue(deps.logger);
  c.bind(TYPES.Clock).toConstantValue(clock);
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
  return c;
}

export function resolveServices(c: Container): Services {
  return {
    setup: c.get<SetupService>(TYPES.SetupService),
    sessions: c.get<SessionService>(TYPES.SessionService),
    users: c.get<UserService>(TYPES.UserService),
    invites: c.get<InviteService>(TYPES.InviteService),
    appConfig: c.get<AppConfigService>(TYPES.AppConfigService),
  };
}
