// The raw WebSocket endpoint (fleetctl): `ws` in noServer mode; one text frame per message.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ResultStreamOptions } from './options';
import { ResultStreamSession, type CloseKind, type StreamConnection, type StreamSessionDeps } from './session';
import { rejectUpgrade } from './upgrade';

/** Close codes of the raw WebSocket (Fleet's `0, "none"` is not a legal WebSocket code; 1000 is the nearest). */
const CLOSE: Record<Exclude<CloseKind, 'overflow'>, [number, string]> = {
  normal: [1000, 'none'],
  auth_timeout: [1008, 'authentication timeout'],
  too_large: [1009, 'message too big'],
  protocol: [1008, 'protocol violation'],
  shutdown: [1001, 'server shutting down'],
};

/**
 * gorilla/websocket's default CheckOrigin: no Origin header is fine; otherwise the Origin's
 * host[:port] must equal the request's Host header, ignoring case.
 */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (!parsed.host) return false;
  return parsed.host.toLowerCase() === host.toLowerCase();
}

export class RawWebSocketTransport {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocket, ResultStreamSession>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly deps: StreamSessionDeps,
    private readonly options: ResultStreamOptions,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxMessageBytes,
    });
    this.heartbeat = setInterval(() => this.ping(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, req)) {
      this.deps.logger.debug('result stream websocket rejected: cross-origin request', { origin, host: req.headers.host });
      rejectUpgrade(socket, 403, 'websocket: request origin not allowed by Upgrader.CheckOrigin');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  /** Closes every connection (and its campaign stream) and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const session of [...this.sessions.values()]) session.shutdown();
    this.wss.close();
  }

  private originAllowed(origin: string, req: IncomingMessage): boolean {
    const check = this.options.checkOrigin;
    if (check === false) return true;
    if (check === true) return sameOrigin(origin, req.headers.host);
    try {
      return check(origin, req);
    } catch {
      return false;
    }
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const conn: StreamConnection = {
      transport: 'websocket',
      remoteAddress: req.socket.remoteAddress,
      send: (text) => ws.send(text),
      bufferedBytes: () => ws.bufferedAmount,
      close: (kind) => {
        if (kind === 'overflow' || kind === 'shutdown') {
          // Nothing more can usefully be written to a client this far behind, and shutdown
          // must not wait for closing handshakes.
          ws.terminate();
          return;
        }
        const [code, reason] = CLOSE[kind];
        ws.close(code, reason);
      },
    };
    const session = new ResultStreamSession(conn, this.deps, this.options);
    this.sessions.set(ws, session);
    this.alive.set(ws, true);
    ws.on('message', (data: RawData) => session.onMessage(rawText(data)));
    ws.on('pong', () => this.alive.set(ws, true));
    // Protocol errors (oversized frame, bad UTF-8, …): ws closes the socket itself afterwards.
    ws.on('error', (err) => this.deps.logger.debug('result stream websocket error', { err: err.message }));
    ws.on('close', () => {
      this.sessions.delete(ws);
      session.onClose();
    });
  }

  private ping(): void {
    for (const ws of this.sessions.keys()) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
