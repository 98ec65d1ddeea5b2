// The SockJS endpoints (the web UI): sockjs-node's standard 0.3 protocol under each prefix.
import type { IncomingMessage, RequestListener, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import sockjs from 'sockjs';
import type { Logger } from '../../internal/logging';
import type { ResultStreamOptions } from './options';
import { ResultStreamSession, type CloseKind, type StreamConnection, type StreamSessionDeps } from './session';
import { escapeRegExp, pathOf } from './upgrade';

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;

/** SockJS close frames `c[code,"reason"]`; `normal` is Fleet's `c[0,"none"]`. */
const CLOSE: Record<CloseKind, [number, string]> = {
  normal: [0, 'none'],
  auth_timeout: [4008, 'authentication timeout'],
  too_large: [4009, 'message too big'],
  protocol: [4002, 'protocol violation'],
  overflow: [4013, 'client too slow'],
  shutdown: [1001, 'server shutting down'],
};

/** Messages a client may batch into one xhr_send/websocket frame during the handshake. */
const MAX_MESSAGES_PER_FRAME = 4;

interface SocketLike {
  writableLength?: number;
  destroy?: () => void;
  end?: () => void;
}

/** The parts of sockjs-node's session we read for backpressure (not in its typings). */
interface SockjsInternals {
  _session?: {
    send_buffer?: string[];
    recv?: {
      connection?: SocketLike;
      request?: { connection?: SocketLike };
    } | null;
  };
}

/** sockjs-node's close takes a numeric code (its typings say string). */
type SockjsConnection = Omit<sockjs.Connection, 'close'> & SockjsInternals & { close(code?: number, reason?: string): boolean };

function bufferedBytes(conn: SockjsConnection): number {
  const session = conn._session;
  if (!session) return 0;
  let n = 0;
  for (const message of session.send_buffer ?? []) n += message.length;
  const socket = session.recv?.connection ?? session.recv?.request?.connection;
  return n + (socket?.writableLength ?? 0);
}

export class SockjsTransport {
  private readonly server: sockjs.Server;
  private readonly sessions = new Map<SockjsConnection, ResultStreamSession>();
  private readonly sendPath: RegExp;

  constructor(
    private readonly deps: StreamSessionDeps,
    private readonly options: ResultStreamOptions,
    private readonly prefixes: string[],
  ) {
    const logger: Logger = deps.logger;
    this.server = sockjs.createServer({
      heartbeat_delay: options.sockjsHeartbeatMs,
      disconnect_delay: options.sockjsDisconnectDelayMs,
      response_limit: options.sockjsResponseLimit,
      websocket: true,
      log: (severity: string, line: string) => {
        if (severity === 'error') logger.warn('sockjs', { line });
        else logger.debug('sockjs', { line });
      },
      // Frames of the SockJS websocket transport (faye-websocket): bounded like xhr_send bodies.
      faye_server_options: { maxLength: this.maxFrameBytes },
    } as sockjs.ServerOptions);
    this.server.on('connection', (conn: sockjs.Connection | null) => {
      if (conn) this.onConnection(conn as unknown as SockjsConnection);
    });
    const alternatives = prefixes.map(escapeRegExp).join('|');
    this.sendPath = new RegExp(`^(?:${alternatives})/[^/.]+/[^/.]+/(?:xhr_send|jsonp_send)/?$`);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A body or frame may carry a few JSON-encoded messages. */
  private get maxFrameBytes(): number {
    return this.options.maxMessageBytes * MAX_MESSAGES_PER_FRAME + 1024;
  }

  /**
   * Installs sockjs's handlers for each prefix: its `request` handlers answer only paths
   * under their prefix and pass everything else to the listeners that were there before;
   * a size guard goes in front of the send endpoints. Returns sockjs's upgrade handlers
   * (each returns true when it answered) without registering them: the caller routes
   * upgrades.
   */
  install(server: HttpServer): UpgradeListener[] {
    // Each installHandlers wraps the listeners present before it. For `request` that chain
    // is what we want; for `upgrade` a wrapper reports false when its own prefix did not
    // match even if an inner one answered, so each prefix's upgrade handler is kept apart.
    const previousUpgrade = server.listeners('upgrade') as UpgradeListener[];
    server.removeAllListeners('upgrade');
    const upgrade: UpgradeListener[] = [];
    for (const prefix of this.prefixes) {
      this.server.installHandlers(server, { prefix: escapeRegExp(prefix) });
      upgrade.push(...(server.listeners('upgrade') as UpgradeListener[]));
      server.removeAllListeners('upgrade');
    }
    for (const listener of previousUpgrade) server.on('upgrade', listener);
    const handlers = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    const limit = this.maxFrameBytes;
    const sendPath = this.sendPath;
    server.on('request', function guarded(this: HttpServer, req: IncomingMessage, res: ServerResponse) {
      if (req.method === 'POST' && sendPath.test(pathOf(req.url)) && !guardBody(req, res, limit)) return;
      for (const handler of handlers) handler.call(this, req, res);
    });
    return upgrade;
  }

  /** Closes every session (and its campaign stream). */
  close(): void {
    for (const session of [...this.sessions.values()]) session.shutdown();
    this.sessions.clear();
  }

  private onConnection(conn: SockjsConnection): void {
    const stream: StreamConnection = {
      transport: 'sockjs',
      remoteAddress: conn.remoteAddress,
      send: (text) => {
        conn.write(text);
      },
      bufferedBytes: () => bufferedBytes(conn),
      close: (kind) => {
        const [code, reason] = CLOSE[kind];
        const recv = conn._session?.recv;
        const socket = recv?.connection ?? recv?.request?.connection;
        // Drop what is queued for a client this far behind; the close frame is all it gets.
        if (kind === 'overflow' && conn._session) conn._session.send_buffer = [];
        conn.close(code, reason);
        if (kind === 'overflow') socket?.destroy?.();
        // Shutdown does not wait for the client to answer the close.
        if (kind === 'shutdown' && socket?.end) setImmediate(() => socket.end?.());
      },
    };
    const session = new ResultStreamSession(stream, this.deps, this.options);
    this.sessions.set(conn, session);
    conn.on('data', (message: unknown) => session.onMessage(message));
    conn.on('close', () => {
      this.sessions.delete(conn);
      session.onClose();
    });
  }
}

/**
 * sockjs-node buffers xhr_send / jsonp_send bodies without a limit: refuse a declared length
 * over the cap (413) and cut off a body that grows past it. Returns false when it answered.
 */
function guardBody(req: IncomingMessage, res: ServerResponse, limit: number): boolean {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.writeHead(413, { 'Content-Type': 'text/plain; charset=UTF-8', Connection: 'close' });
    res.end('Payload too large\n');
    req.resume();
    return false;
  }
  let seen = 0;
  req.on('data', (chunk: Buffer | string) => {
    seen += chunk.length;
    if (seen > limit) req.destroy();
  });
  return true;
}
