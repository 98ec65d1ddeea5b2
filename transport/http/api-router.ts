import { Router, type NextFunction, type Request, type Response } from 'express';
import { AuthenticationError } from '../../internal/fleet';
import { authorize } from './authz';
import { parseId } from './params';
import { sendJSON } from './respond';
import type { RouteDef } from './route';
import type { Services } from './services';

export const API_PREFIXES = ['/api/v1/fleet', '/api/v1/kolide'] as const;

/** `Authorization: Bearer <token>`: exactly two space-separated parts, scheme case-insensitive. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const parts = header.split(' ');
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'bearer' || !parts[1]) return undefined;
  return parts[1];
}

/**
 * Mounts every route under both API prefixes from one table. A path that matches a
 * route but not its method answers 405 with an empty body, as Fleet's router did.
 */
export function buildApiRouter(routes: RouteDef[], services: Services): Router {
  const router = Router();
  const paths = new Set<string>();
  for (const route of routes) {
    for (const prefix of API_PREFIXES) {
      const path = prefix + route.path;
      paths.add(path);
      router[route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path, endpoint(route, services));
    }
  }
  for (const path of paths) router.all(path, (_req, res) => void res.status(405).end());
  return router;
}

function endpoint(route: RouteDef, services: Services) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals.routeName = route.name;
    try {
      let viewer;
      if (route.auth !== 'public') {
        const token = bearerToken(req);
        if (!token) throw new AuthenticationError();
        viewer = await services.sessions.authenticate(token);
        const target = route.userParam ? parseId(req.params[route.userParam]) : undefined;
        authorize(route.auth, viewer, target);
      }
      const result = await route.handle({ req, res, viewer });
      if (!res.headersSent) sendJSON(res, result.status ?? 200, result.body);
    } catch (err) {
      next(err);
    }
  };
}
