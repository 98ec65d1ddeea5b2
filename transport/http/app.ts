import express, { type Express } from 'express';
import type { FleetConfig } from '../../internal/config/config';
import type { Logger } from '../../internal/logging';
import type { Metrics } from '../../internal/metrics';
import { buildApiRouter } from './api-router';
import { errorMiddleware } from './error-encoder';
import { observe } from './observability';
import { opsRouter } from './ops.routes';
import { sendNotFoundPage } from './respond';
import { apiRoutes } from './routes';
import type { HealthChecker, Services } from './services';
import { setupGate, setupRouter } from './setup.routes';

export interface AppDeps {
  config: FleetConfig;
  logger: Logger;
  metrics: Metrics;
  services: Services;
  health: HealthChecker[];
}

/** The admin HTTP app: ops routes, setup, the API under both prefixes, one error encoder. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, metrics, services } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const root = express.Router();
  root.use(observe(logger, metrics));
  root.use(opsRouter(deps.health, metrics, logger));
  // Fleet ignored Content-Type; parse every API body as JSON, bounded before parsing.
  // The SAML callback is the one form-encoded route (an IdP posts it); it is not JSON.
  root.use('/api', express.json({ limit: config.server.max_body_bytes, type: (req) => !isSamlCallback(req.url) }));
  root.use(setupGate(services));
  root.use(setupRouter(services));
  root.use(buildApiRouter(apiRoutes(services), services));
  root.use((_req, res) => sendNotFoundPage(res));
  root.use(errorMiddleware(logger));

  app.use(config.server.url_prefix || '/', root);
  app.use((_req, res) => sendNotFoundPage(res));
  return app;
}

/** `/v1/{fleet,kolide}/sso/callback` relative to the `/api` mount. */
function isSamlCallback(url: string | undefined): boolean {
  return /^\/v1\/(fleet|kolide)\/sso\/callback\/?(\?|$)/.test(url ?? '');
}
