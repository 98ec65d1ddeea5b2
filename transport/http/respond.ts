import type { Response } from 'express';

/** Fleet answers pretty-printed JSON with a trailing newline. */
export function sendJSON(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.send(JSON.stringify(body, null, 2) + '\n');
}

/** What the plain Go mux answered for unknown paths; fleetctl reads it as "not set up". */
export function sendNotFoundPage(res: Response): void {
  res.status(404).type('text/plain; charset=utf-8').send('404 page not found\n');
}
