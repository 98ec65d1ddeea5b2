import { Router } from 'express';
import type { Logger } from '../../internal/logging';
import type { Metrics } from '../../internal/metrics';
import { versionInfo } from '../../internal/version';
import { sendJSON } from './respond';
import type { HealthChecker } from './services';

/** /healthz, /version and /metrics: public, outside the API and the setup gate. */
export function opsRouter(health: HealthChecker[], metrics: Metrics, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    res.locals.routeName = 'healthz';
    const failed: Array<{ name: string; reason: string }> = [];
    await Promise.all(
      health.map(async (h) => {
        try {
          await h.check();
        } catch (err) {
          failed.push({ name: h.name, reason: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
    if (failed.length === 0) return void res.status(200).end();
    logger.error('health check failed', { failed });
    sendJSON(res, 500, { message: 'Health Check Failed', errors: failed.map((f) => ({ name: f.name, reason: 'unhealthy' })) });
  });
  router.all('/version', (_req, res) => {
    res.locals.routeName = 'version';
    sendJSON(res, 200, versionInfo());
  });
  router.get('/metrics', async (_req, res) => {
    res.locals.routeName = 'metrics';
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
