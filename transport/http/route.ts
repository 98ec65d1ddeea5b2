import type { Request, Response } from 'express';
import type { AuthClass, Viewer } from '../../internal/fleet';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What an endpoint sees: the raw request (for decoders) and the authenticated viewer. */
export interface EndpointContext {
  req: Request;
  res: Response;
  /** Set on every route whose class is not `public`. */
  viewer?: Viewer;
}

export interface EndpointResult {
  status?: number;
  body: unknown;
}

/**
 * One API route. `path` is relative to the API prefix and mounted under both
 * `/api/v1/fleet` and `/api/v1/kolide`; `name` labels metrics and logs.
 */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  name: string;
  auth: AuthClass;
  /** For read_user / write_user: the path parameter holding the target user id. */
  userParam?: string;
  handle(ctx: EndpointContext): Promise<EndpointResult>;
}

/** The viewer of a non-public route (the middleware guarantees it is set). */
export function viewerOf(ctx: EndpointContext): Viewer {
  if (!ctx.viewer) throw new Error('route declared public but needs a viewer');
  return ctx.viewer;
}

/** Shorthand: endpoints that answer 200 with a body return `ok(body)`. */
export function ok(body: unknown, status = 200): EndpointResult {
  return { status, body };
}
