import type { IncomingMessage } from 'node:http';

/**
 * Tuning of the live-query result stream (spec §9.5). Every timing is injectable so tests can
 * run with short delays; the defaults are Fleet's where Fleet has one.
 */
export interface ResultStreamOptions {
  /** Raw WebSocket: ping interval; a client that has not answered the previous ping is dropped. Fleet: 25 s. */
  heartbeatMs: number;
  /**
   * Time a client has to complete the handshake (auth, then select_campaign) before the
   * connection is closed. Fleet enforces none; we do, so idle sockets cannot pile up.
   */
  authTimeoutMs: number;
  /** Largest inbound message (bytes); larger ones drop the connection. Fleet enforces none. */
  maxMessageBytes: number;
  /**
   * Per-connection cap on data queued for sending but not yet written to the network. A
   * slow reader that falls this far behind is dropped instead of buffered without bound.
   */
  maxBufferedBytes: number;
  /**
   * Raw WebSocket origin check. `true` (default) = gorilla/websocket's default: when an
   * `Origin` header is present its host must equal the `Host` header (case-insensitive).
   * `false` accepts any origin; a function decides itself.
   */
  checkOrigin: boolean | ((origin: string, req: IncomingMessage) => boolean);
  /** SockJS: heartbeat frame (`h`) interval. Fleet: 25 s. */
  sockjsHeartbeatMs: number;
  /** SockJS: how long a session outlives its last receiving request. Fleet: 5 s. Short in tests. */
  sockjsDisconnectDelayMs: number;
  /** SockJS: bytes sent on one streaming response before it is recycled (sockjs default 128 KiB). */
  sockjsResponseLimit: number;
}

export const DEFAULT_RESULT_STREAM_OPTIONS: Readonly<ResultStreamOptions> = Object.freeze({
  heartbeatMs: 25_000,
  authTimeoutMs: 10_000,
  maxMessageBytes: 64 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  checkOrigin: true,
  sockjsHeartbeatMs: 25_000,
  sockjsDisconnectDelayMs: 5_000,
  sockjsResponseLimit: 128 * 1024,
});

export function resolveOptions(partial: Partial<ResultStreamOptions> = {}): ResultStreamOptions {
  const merged = { ...DEFAULT_RESULT_STREAM_OPTIONS } as ResultStreamOptions;
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}
