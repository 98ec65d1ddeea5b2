import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../internal/logging';
import type { Metrics } from '../../internal/metrics';

/**
 * Request count and latency per route name and status, plus one structured log line per
 * request. Only the route name is recorded, never the raw path: some paths carry tokens.
 */
export function observe(logger: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const labels = { route: String(res.locals.routeName ?? 'unknown'), method: req.method, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      logger.info('request', { ...labels, duration_ms: Math.round(seconds * 1e5) / 100, remote: req.ip });
    });
    next();
  };
}
