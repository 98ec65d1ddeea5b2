import { accountRoutes } from './account.routes';
import { appConfigRoutes } from './app-config.routes';
import { carveRoutes } from './carves.routes';
import { enrollSecretRoutes } from './enroll-secrets.routes';
import { hostRoutes } from './hosts.routes';
import { inviteRoutes } from './invites.routes';
import { labelRoutes } from './labels.routes';
import { liveQueryRoutes } from './live-queries.routes';
import { osqueryOptionsRoutes } from './osquery-options.routes';
import { packRoutes } from './packs.routes';
import { queryRoutes } from './queries.routes';
import type { RouteDef } from './route';
import { scheduleRoutes } from './schedule.routes';
import type { Services } from './services';
import { sessionRoutes } from './sessions.routes';
import { ssoRoutes } from './sso.routes';
import { targetRoutes } from './targets.routes';
import { userRoutes } from './users.routes';

/** Every API route, from each resource's routes file. */
export function apiRoutes(services: Services): RouteDef[] {
  return [
    ...sessionRoutes(services),
    ...accountRoutes(services),
    ...userRoutes(services),
    ...inviteRoutes(services),
    ...ssoRoutes(services),
    ...appConfigRoutes(services),
    ...enrollSecretRoutes(services),
    ...osqueryOptionsRoutes(services),
    ...hostRoutes(services),
    ...labelRoutes(services),
    ...liveQueryRoutes(services),
    ...queryRoutes(services),
    ...packRoutes(services),
    ...scheduleRoutes(services),
    ...targetRoutes(services),
    ...carveRoutes(services),
  ];
}
