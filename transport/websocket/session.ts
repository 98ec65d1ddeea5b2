// The live-query result stream protocol (spec §9.5), independent of the transport: the raw
// WebSocket and the SockJS adapters feed it inbound messages and give it a way to send
// one message and to close.
import {
  NotFoundError,
  PermissionError,
  type CampaignStreamHandle,
  type LiveQueryService,
  type SessionService,
  type StreamMessage,
  type Viewer,
} from '../../internal/fleet';
import type { Logger } from '../../internal/logging';

/** Why the server closes a connection; each transport maps it to its own close code. */
export type CloseKind =
  /** After an error message, a rejected handshake or the end of the stream (Fleet: code 0, `none`). */
  | 'normal'
  /** The handshake did not complete in time. */
  | 'auth_timeout'
  /** An inbound message over the size cap. */
  | 'too_large'
  /** The client does not read fast enough (send buffer over its cap). */
  | 'overflow'
  /** The client sent more than the handshake allows before it completed. */
  | 'protocol'
  /** The server is shutting down. */
  | 'shutdown';

/** What a transport adapter provides to the session. */
export interface StreamConnection {
  /** Sends one message (already serialised). */
  send(text: string): void;
  /** Bytes queued for this client but not yet written to the network. */
  bufferedBytes(): number;
  /** Closes the connection (once; later calls are ignored by the session). */
  close(kind: CloseKind): void;
  /** For logs. */
  readonly transport: 'websocket' | 'sockjs';
  readonly remoteAddress?: string;
}

export interface StreamSessionDeps {
  sessions: SessionService;
  liveQuery: LiveQueryService;
  logger: Logger;
}

export interface StreamSessionLimits {
  authTimeoutMs: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
}

/** Fleet's error texts (server/service/handler: streamCampaignResults). */
export const STREAM_ERRORS = {
  unauthorized: 'unauthorized',
  readSelect: 'error reading select_campaign',
  expectedSelect: 'expected select_campaign',
  unmarshalSelect: 'error unmarshaling select_campaign data',
  zeroCampaign: '0 is not a valid campaign ID',
  notFound: (id: number) => `cannot find campaign for ID ${id}`,
  /** Not in 3.x (any user could attach); our policy: only the author or an admin. */
  forbidden: 'forbidden',
} as const;

/** Messages accepted while a handshake step is still being processed (auth + select + slack). */
const MAX_QUEUED = 4;

type State = 'auth' | 'select' | 'streaming' | 'closed';

/** Parsed first message; `null` = close without an error message. */
function parseAuth(data: unknown): string | null {
  if (typeof data !== 'string') return null;
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(msg) || msg.type !== 'auth' || !isObject(msg.data)) return null;
  const token = msg.data.token;
  return typeof token === 'string' ? token : null;
}

/** Parsed second message: the campaign id or the error text to send. */
export function parseSelect(data: unknown): { id: number } | { error: string } {
  if (typeof data !== 'string') return { error: STREAM_ERRORS.readSelect };
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return { error: STREAM_ERRORS.readSelect };
  }
  // Fleet decodes into {type string; data any} and rejects an empty type.
  if (!isObject(msg) || (msg.type !== undefined && msg.type !== null && typeof msg.type !== 'string')) {
    return { error: STREAM_ERRORS.readSelect };
  }
  if (!msg.type) return { error: STREAM_ERRORS.readSelect };
  if (msg.type !== 'select_campaign') return { error: STREAM_ERRORS.expectedSelect };
  // Then re-decodes data into {campaign_id uint}: null/absent data or id mean 0.
  const body = msg.data;
  if (body === undefined || body === null) return { error: STREAM_ERRORS.zeroCampaign };
  if (!isObject(body)) return { error: STREAM_ERRORS.unmarshalSelect };
  const raw = body.campaign_id;
  if (raw === undefined || raw === null) return { error: STREAM_ERRORS.zeroCampaign };
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) return { error: STREAM_ERRORS.unmarshalSelect };
  if (raw === 0) return { error: STREAM_ERRORS.zeroCampaign };
  return { id: raw };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function byteLength(data: unknown): number {
  if (typeof data !== 'string') return 0;
  // Cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  return data.length * 3 <= 1024 ? data.length * 3 : Buffer.byteLength(data, 'utf8');
}

/** One client connection of the result stream, from first frame to close. */
export class ResultStreamSession {
  private state: State = 'auth';
  private readonly queue: unknown[] = [];
  private pumping = false;
  private viewer: Viewer | null = null;
  private handle: CampaignStreamHandle | null = null;
  private handleClosed = false;
  private campaignId = 0;
  private authTimer: NodeJS.Timeout | null;

  constructor(
    private readonly conn: StreamConnection,
    private readonly deps: StreamSessionDeps,
    private readonly limits: StreamSessionLimits,
  ) {
    this.authTimer = setTimeout(() => {
      this.authTimer = null;
      if (this.state === 'auth' || this.state === 'select') {
        this.log('debug', 'result stream handshake timed out');
        this.end('auth_timeout');
      }
    }, limits.authTimeoutMs);
    this.authTimer.unref?.();
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** One inbound message (a string; anything else is treated as a garbage frame). */
  onMessage(data: unknown): void {
    if (this.state === 'closed') return;
    if (typeof data === 'string' && data.length > 0 && byteLength(data) > this.limits.maxMessageBytes) {
      this.log('debug', 'result stream message too large');
      this.end('too_large');
      return;
    }
    // After select_campaign the client has nothing more to say (Fleet stops reading).
    if (this.state === 'streaming') return;
    if (this.queue.length >= MAX_QUEUED) {
      this.end('protocol');
      return;
    }
    this.queue.push(data);
    void this.pump();
  }

  /** The client went away (or the transport failed): stop the campaign stream. */
  onClose(): void {
    if (this.state === 'closed') {
      this.closeHandle();
      return;
    }
    this.state = 'closed';
    this.clearAuthTimer();
    this.queue.length = 0;
    this.closeHandle();
  }

  /** Server shutdown: close the connection and the campaign stream now. */
  shutdown(): void {
    this.end('shutdown');
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && (this.state === 'auth' || this.state === 'select')) {
        const data = this.queue.shift();
        if (this.state === 'auth') await this.handleAuth(data);
        else await this.handleSelect(data);
      }
    } catch (err) {
      this.log('error', 'result stream handshake failed', { err: errorText(err) });
      this.end('normal');
    } finally {
      this.pumping = false;
    }
  }

  private async handleAuth(data: unknown): Promise<void> {
    const token = parseAuth(data);
    if (token === null) {
      this.end('normal');
      return;
    }
    let viewer: Viewer;
    try {
      viewer = await this.deps.sessions.authenticate(token);
    } catch (err) {
      this.log('debug', 'result stream authentication failed', { err: errorText(err) });
      this.fail(STREAM_ERRORS.unauthorized);
      return;
    }
    if (this.state !== 'auth') return; // closed while authenticating
    if (!viewer.user.enabled || viewer.user.force_password_reset) {
      this.fail(STREAM_ERRORS.unauthorized);
      return;
    }
    this.viewer = viewer;
    this.state = 'select';
  }

  private async handleSelect(data: unknown): Promise<void> {
    const parsed = parseSelect(data);
    if ('error' in parsed) {
      this.fail(parsed.error);
      return;
    }
    const id = parsed.id;
    this.campaignId = id;
    this.state = 'streaming';
    this.clearAuthTimer();
    let handle: CampaignStreamHandle;
    try {
      handle = await this.deps.liveQuery.streamCampaign(
        this.viewer!,
        id,
        (message) => this.forward(message),
        (reason) => this.onServiceEnd(reason),
      );
    } catch (err) {
      if (this.closed) return;
      if (err instanceof NotFoundError) this.fail(STREAM_ERRORS.notFound(id));
      else if (err instanceof PermissionError) this.fail(STREAM_ERRORS.forbidden);
      else {
        this.log('warn', 'result stream could not start', { campaign_id: id, err: errorText(err) });
        this.fail(err instanceof Error && err.message ? err.message : 'internal error');
      }
      return;
    }
    this.handle = handle;
    this.log('debug', 'result stream started', { campaign_id: id });
    // The client left (or the service ended the stream) while it was starting.
    if (this.closed) this.closeHandle();
  }

  /** A message from the service: one JSON frame; drop a client that cannot keep up. */
  private forward(message: StreamMessage): void {
    if (this.state !== 'streaming') return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      this.log('error', 'result stream message not serialisable', { campaign_id: this.campaignId, err: errorText(err) });
      return;
    }
    try {
      this.conn.send(text);
    } catch (err) {
      this.log('debug', 'result stream send failed', { campaign_id: this.campaignId, err: errorText(err) });
      this.end('normal');
      return;
    }
    if (this.conn.bufferedBytes() > this.limits.maxBufferedBytes) {
      this.log('warn', 'result stream client too slow; dropping the connection', {
        campaign_id: this.campaignId,
        buffered: this.conn.bufferedBytes(),
      });
      this.end('overflow');
    }
  }

  private onServiceEnd(reason: string): void {
    this.log('debug', 'result stream ended by the service', { campaign_id: this.campaignId, reason });
    this.end('normal');
  }

  /** Sends `{"type":"error","data":text}` and closes. */
  private fail(text: string): void {
    if (this.state === 'closed') return;
    try {
      this.conn.send(JSON.stringify({ type: 'error', data: text }));
    } catch {
      // closing anyway
    }
    this.end('normal');
  }

  private end(kind: CloseKind): void {
    if (this.state === 'closed') {
      this.closeHandle();
      return;
    }
    this.state = 'closed';
    this.clearAuthTimer();
    this.queue.length = 0;
    try {
      this.conn.close(kind);
    } catch (err) {
      this.log('debug', 'result stream close failed', { err: errorText(err) });
    }
    this.closeHandle();
  }

  private closeHandle(): void {
    if (!this.handle || this.handleClosed) return;
    this.handleClosed = true;
    this.handle.close().catch((err: unknown) => {
      this.log('warn', 'closing the campaign stream failed', { campaign_id: this.campaignId, err: errorText(err) });
    });
  }

  private clearAuthTimer(): void {
    if (this.authTimer) {
      clearTimeout(this.authTimer);
      this.authTimer = null;
    }
  }

  private log(level: 'debug' | 'warn' | 'error', message: string, meta: Record<string, unknown> = {}): void {
    this.deps.logger[level](message, { transport: this.conn.transport, remote: this.conn.remoteAddress, ...meta });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
