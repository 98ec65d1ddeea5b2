// The live-query result stream (spec §9.5) on the same http(s).Server as the API:
//   raw WebSocket  <prefix>/api/v1/{fleet,kolide}/results/websocket   (also …/websockets)
//   SockJS         <prefix>/api/v1/{fleet,kolide}/results/…           (info, xhr_streaming, …)
// Both speak one protocol through ResultStreamSession.
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { LiveQueryService, SessionService } from '../../internal/fleet';
import type { Logger } from '../../internal/logging';
import { resolveOptions, type ResultStreamOptions } from './options';
import { RawWebSocketTransport } from './raw-websocket';
import { SockjsTransport, type UpgradeListener } from './sockjs-transport';
import { pathOf, rejectUpgrade } from './upgrade';

export { DEFAULT_RESULT_STREAM_OPTIONS, type ResultStreamOptions } from './options';
export { ResultStreamSession, STREAM_ERRORS, type CloseKind, type StreamConnection } from './session';
export { sameOrigin } from './raw-websocket';

export interface ResultStreamDeps {
  sessions: SessionService;
  liveQuery: LiveQueryService;
  logger: Logger;
  /** `server.url_prefix` ("" or e.g. "/fleet"). */
  urlPrefix: string;
}

export interface ResultStream {
  /** Open result-stream connections (both transports). */
  readonly connections: number;
  /** Closes every connection and its campaign stream (call before closing the server). */
  close(): void;
}

/** The SockJS prefixes: `/api/v1/fleet/results` (later 3.x) and `/api/v1/kolide/results` (3.2.0). */
export function resultStreamPrefixes(urlPrefix: string): string[] {
  const prefix = urlPrefix.replace(/\/+$/, '');
  return [`${prefix}/api/v1/fleet/results`, `${prefix}/api/v1/kolide/results`];
}

/**
 * Attaches both transports to `server`. Upgrade requests are routed by path: the raw
 * WebSocket paths go to `ws`, SockJS paths to sockjs, anything else to the upgrade
 * listeners that were there before (or a 404 when there were none). Plain requests
 * outside the SockJS prefixes reach the server's existing request listeners untouched.
 */
export function attachResultStream(
  server: HttpServer | HttpsServer,
  deps: ResultStreamDeps,
  options: Partial<ResultStreamOptions> = {},
): ResultStream {
  const opts = resolveOptions(options);
  const sessionDeps = { sessions: deps.sessions, liveQuery: deps.liveQuery, logger: deps.logger };
  const prefixes = resultStreamPrefixes(deps.urlPrefix);
  const rawPaths = new Set<string>();
  for (const p of prefixes) {
    for (const leaf of ['websocket', 'websockets']) {
      rawPaths.add(`${p}/${leaf}`);
      rawPaths.add(`${p}/${leaf}/`);
    }
  }

  const raw = new RawWebSocketTransport(sessionDeps, opts);
  const sock = new SockjsTransport(sessionDeps, opts, prefixes);
  const httpServer = server as HttpServer;

  const sockjsUpgrade = sock.install(httpServer);
  const previousUpgrade = httpServer.listeners('upgrade') as UpgradeListener[];
  httpServer.removeAllListeners('upgrade');

  httpServer.on('upgrade', function route(this: HttpServer, req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', (err) => deps.logger.debug('upgrade socket error', { err: err.message }));
    try {
      if (rawPaths.has(pathOf(req.url))) {
        raw.handleUpgrade(req, socket, head);
        return;
      }
      for (const listener of sockjsUpgrade) if (listener.call(this, req, socket, head) === true) return;
      if (previousUpgrade.length === 0) {
        rejectUpgrade(socket, 404);
        return;
      }
      for (const listener of previousUpgrade) listener.call(this, req, socket, head);
    } catch (err) {
      deps.logger.warn('result stream upgrade failed', { err: err instanceof Error ? err.message : String(err) });
      rejectUpgrade(socket, 500);
    }
  });

  return {
    get connections() {
      return raw.size + sock.size;
    },
    close() {
      raw.close();
      sock.close();
    },
  };
}
