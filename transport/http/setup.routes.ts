import { Router, type NextFunction, type Request, type Response } from 'express';
import { decodeBody } from './decode';
import { sendJSON, sendNotFoundPage } from './respond';
import { userJSON } from './serialize';
import type { Services } from './services';
import { SetupRequest } from './setup.requests';

/**
 * While no user exists every `/api` path but setup and the osquery agent routes answers
 * Fleet's plain 404 (fleetctl reads it as "not set up"); once a user exists setup is a 404.
 */
export function setupGate({ setup }: Services) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const isSetup = req.path === '/api/v1/setup';
      if (!isSetup && !req.path.startsWith('/api/') ) return next();
      if (req.path.startsWith('/api/v1/osquery/')) return next();
      const required = await setup.setupRequired();
      if (isSetup ? !required : required) return sendNotFoundPage(res);
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function setupRouter({ setup }: Services): Router {
  const router = Router();
  router.post('/api/v1/setup', async (req, res, next) => {
    res.locals.routeName = 'setup';
    try {
      const body = decodeBody(SetupRequest, req.body);
      const result = await setup.setup({
        admin: body.admin,
        org_info: body.org_info,
        kolide_server_url: body.kolide_server_url,
      });
      sendJSON(res, 200, {
        admin: userJSON(result.admin),
        org_info: result.org_info,
        kolide_server_url: result.kolide_server_url,
        osquery_enroll_secret: null,
        token: result.token,
      });
    } catch (err) {
      next(err);
    }
  });
  router.all('/api/v1/setup', (_req, res) => void res.status(405).end());
  return router;
}
