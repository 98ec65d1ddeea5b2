import type { NextFunction, Request, Response } from 'express';
import {
  AlreadyExistsError,
  AuthenticationError,
  BadRequestError,
  FeatureDisabledError,
  FleetError,
  InvalidArgumentError,
  MailError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServiceUnavailableError,
  UnprocessableError,
} from '../../internal/fleet';
import type { Logger } from '../../internal/logging';
import { sendJSON } from './respond';

interface ErrorBody {
  message: string;
  errors: Array<{ name?: string; reason: string }>;
}

/** The one place domain errors become HTTP statuses and Fleet's error body. */
export function encodeError(err: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  const base = (message: string, reason: string, name = 'base') => ({ message, errors: [{ name, reason }] });
  if (err instanceof InvalidArgumentError) {
    return { status: 422, body: { message: 'Validation Failed', errors: err.reasons.map((r) => ({ ...r })) } };
  }
  if (err instanceof UnprocessableError) return { status: 422, body: base('Validation Failed', err.reason, err.field) };
  if (err instanceof BadRequestError) return { status: 400, body: base('Bad Request', err.reason, err.field) };
  if (err instanceof AuthenticationError) return { status: 401, body: base('Authentication Failed', err.clientReason) };
  if (err instanceof PermissionError) {
    const e = err.field ? { name: err.field, reason: err.reason } : { reason: err.reason };
    return { status: 403, body: { message: 'Permission Denied', errors: [e] } };
  }
  if (err instanceof FeatureDisabledError) return { status: 403, body: base('Permission Denied', err.reason) };
  if (err instanceof NotFoundError) return { status: 404, body: base('Resource Not Found', err.message) };
  if (err instanceof AlreadyExistsError) return { status: 409, body: base('Resource Already Exists', err.message) };
  if (err instanceof RateLimitError) {
    return {
      status: 429,
      body: base('Too Many Requests', err.message),
      headers: { 'Retry-After': String(err.retryAfterSeconds) },
    };
  }
  if (err instanceof MailError) return { status: 500, body: base('Mail Error', err.message) };
  if (err instanceof ServiceUnavailableError) return { status: 503, body: base('Service Unavailable', err.message) };
  if (err instanceof FleetError) return { status: 500, body: base('Unknown Error', err.message) };
  const parserError = bodyParserError(err);
  if (parserError) return parserError;
  // Never leak internals (stack traces, SQL) of an unexpected error.
  return { status: 500, body: base('Unknown Error', 'internal server error') };
}

/** express.json failures carry a status and a type; they are the client's fault. */
function bodyParserError(err: unknown): { status: number; body: ErrorBody } | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed') {
    return { status: 400, body: { message: 'Bad Request', errors: [{ name: 'base', reason: 'malformed JSON body' }] } };
  }
  if (e.type === 'entity.too.large') {
    return {
      status: 413,
      body: { message: 'Payload Too Large', errors: [{ name: 'base', reason: 'request body is too large' }] },
    };
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, body: { message: 'Bad Request', errors: [{ name: 'base', reason: 'bad request' }] } };
  }
  return null;
}

export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { status, body, headers } = encodeError(err);
    if (status >= 500) {
      logger.error('request failed', {
        route: res.locals.routeName,
        method: req.method,
        error: err instanceof Error ? err.stack ?? err.message : String(err),
      });
    }
    if (res.headersSent) return;
    if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    sendJSON(res, status, body);
  };
}
