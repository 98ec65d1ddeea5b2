// The client side of the live-query result stream (spec osquery §9.5): the raw WebSocket
// `/api/v1/fleet/results/websocket`, authenticated and bound to one campaign.
import WebSocket from 'ws';
import { CliError } from './errors';
import type { StreamStatus, StreamTotals } from './live-query-tally';

/** One host's answer as the server streams it (`data` of a `result` message). */
export interface HostResult {
  distributed_query_execution_id?: number;
  host: { hostname?: string; [key: string]: unknown };
  rows: Array<Record<string, string>> | null;
  /** null on success; the agent's message (possibly "") when the query failed. */
  error?: string | null;
}

export interface StreamHandlers {
  totals(totals: StreamTotals): void;
  status(status: StreamStatus): void;
  result(result: HostResult): void;
}

export interface ResultStreamOptions {
  /** ws:// or wss:// URL of the raw WebSocket endpoint. */
  url: URL;
  token: string;
  campaignId: number;
  tls?: { rejectUnauthorized: boolean; ca?: Buffer };
  debug?: (line: string) => void;
}

/** How long close() waits for the server's closing handshake before dropping the socket. */
const CLOSE_GRACE_MS = 2000;
/** gorilla/websocket's default, as Fleet's fleetctl dialer uses it. */
const HANDSHAKE_TIMEOUT_MS = 45_000;

export class ResultStream {
  /**
   * Settles once: resolves when the stream ends because close() was called; rejects with a
   * one-line CliError on an `error` message, a failed connection or an unexpected close.
   */
  readonly ended: Promise<void>;
  private readonly socket: WebSocket;
  private readonly socketClosed: Promise<void>;
  private settle!: { resolve: () => void; reject: (err: CliError) => void };
  private settled = false;
  private closing = false;
  private opened = false;

  constructor(
    private readonly opts: ResultStreamOptions,
    private readonly handlers: StreamHandlers,
  ) {
    this.ended = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // The caller may only look at `ended` after close(); a failure before that must not
    // count as an unhandled rejection.
    this.ended.catch(() => undefined);
    opts.debug?.(`> WS ${opts.url.href} (campaign ${opts.campaignId})`);
    this.socket = new WebSocket(opts.url, { ...opts.tls, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    this.socketClosed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('open', () => this.onOpen());
    this.socket.on('message', (data) => this.onMessage(String(data)));
    this.socket.on('error', (err) => this.onError(err));
    this.socket.on('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  /** Ends the stream with a normal close frame, so the server completes the campaign. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
      else this.socket.close(1000, 'done');
    }
    const grace = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
    try {
      await this.socketClosed;
    } finally {
      clearTimeout(grace);
    }
    this.succeed();
  }

  private onOpen(): void {
    this.opened = true;
    this.socket.send(JSON.stringify({ type: 'auth', data: { token: this.opts.token } }));
    this.socket.send(JSON.stringify({ type: 'select_campaign', data: { campaign_id: this.opts.campaignId } }));
  }

  private onMessage(text: string): void {
    if (this.settled) return;
    let msg: { type?: unknown; data?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      this.fail(`live query stream: unreadable message from the server: ${text.slice(0, 80)}`);
      return;
    }
    this.opts.debug?.(`< WS ${String(msg?.type)}`);
    try {
      switch (msg?.type) {
        case 'totals':
          this.handlers.totals(msg.data as StreamTotals);
          break;
        case 'status':
          this.handlers.status(msg.data as StreamStatus);
          break;
        case 'result':
          this.handlers.result(msg.data as HostResult);
          break;
        case 'error':
          this.fail(`live query stream: ${typeof msg.data === 'string' ? msg.data : JSON.stringify(msg.data)}`);
          break;
        default:
        // Newer servers may add message types; ignoring them keeps old clients working.
      }
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
    }
  }

  private onError(err: Error): void {
    if (this.closing) return;
    this.fail(this.opened ? `live query stream failed: ${err.message}` : `cannot open the live query stream at ${this.opts.url.href}: ${err.message}`);
  }

  private onClose(code: number, reason: string): void {
    this.opts.debug?.(`< WS closed (code ${code}${reason ? ` ${reason}` : ''})`);
    if (this.closing) this.succeed();
    else this.fail(`the server closed the live query stream (code ${code}${reason ? `: ${reason}` : ''})`);
  }

  private succeed(): void {
    if (this.settled) return;
    this.settled = true;
    this.settle.resolve();
  }

  private fail(message: string): void {
    if (this.settled) return;
    this.settled = true;
    this.settle.reject(new CliError(message.split('\n')[0]!));
    if (!this.closing && this.socket.readyState === WebSocket.OPEN) this.socket.close(1000, 'done');
  }
}
