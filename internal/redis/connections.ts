/**
 * The two Redis connections a process uses: `command` for everything that is not a
 * subscription, and one dedicated `subscriber` (a connection in subscriber mode can do
 * nothing else) multiplexing every local subscription by channel. A channel is
 * SUBSCRIBEd when its first local handler arrives and UNSUBSCRIBEd when its last leaves,
 * so nothing leaks and PUBLISH's receiver count stays truthful (orphan detection).
 *
 * ioredis reconnects both connections by itself. Subscriptions are restored here (not by
 * ioredis' autoResubscribe) so that `onReconnect` listeners run only once the channels
 * are subscribed again: a listener that reloads state then misses no event.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logging';
import { RedisKeys } from './keys';

export type MessageHandler = (message: string) => void;

export interface RedisConnectionOptions {
  url: string;
  /** Prepended to every key and channel (setting redis.key_prefix). */
  keyPrefix?: string;
  logger?: Logger;
  /** ioredis options applied over ours (tests shorten retries). */
  redisOptions?: RedisOptions;
  /** Health check PING timeout, ms. */
  pingTimeoutMs?: number;
}

interface ChannelEntry {
  readonly handlers: Set<MessageHandler>;
  readonly ready: Promise<void>;
}

const DEFAULT_PING_TIMEOUT_MS = 2000;

export class RedisConnections {
  readonly command: Redis;
  readonly subscriber: Redis;
  readonly keys: RedisKeys;
  /** Identifies this process's messages on shared channels (so it can ignore its own). */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly reconnectListeners = new Set<() => void | Promise<void>>();
  private readonly logger: Logger | undefined;
  private readonly pingTimeoutMs: number;
  private subscriberWasReady = false;
  /** The last connection error seen (ioredis rejects connect() with a vaguer one). */
  private lastConnectionError: string | undefined;
  private closed = false;

  private constructor(private readonly opts: RedisConnectionOptions) {
    this.logger = opts.logger;
    this.keys = new RedisKeys(opts.keyPrefix ?? '');
    this.pingTimeoutMs = opts.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    const base: RedisOptions = {
      lazyConnect: true,
      connectionName: 'fleet',
      connectTimeout: 5000,
      // ioredis waits this long for a socket to close after disconnect(), with a timer that
      // stays armed when the socket was already gone (keeping a stopping process alive).
      disconnectTimeout: 500,
      // Reconnect forever, backing off to 2 s; pending commands wait (up to 20 retries).
      retryStrategy: (times) => Math.min(times * 100, 2000),
      ...opts.redisOptions,
    };
    this.command = new Redis(opts.url, base);
    this.subscriber = new Redis(opts.url, { ...base, connectionName: `${base.connectionName}-sub`, autoResubscribe: false });
    this.watch(this.command, 'command');
    this.watch(this.subscriber, 'subscriber');
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    this.subscriber.on('ready', () => {
      if (!this.subscriberWasReady) {
        this.subscriberWasReady = true;
        return;
      }
      void this.restoreSubscriptions();
    });
  }

  /** Connects both connections; rejects (and disconnects) when Redis cannot be reached. */
  static async open(opts: RedisConnectionOptions): Promise<RedisConnections> {
    const conns = new RedisConnections(opts);
    // Both attempts must settle before disconnecting: one still connecting would reconnect.
    const attempts = await Promise.allSettled([conns.command.connect(), conns.subscriber.connect()]);
    const failed = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    if (failed !== undefined) {
      conns.closed = true;
      await Promise.all([quit(conns.command), quit(conns.subscriber)]);
      const why = conns.lastConnectionError ?? errorMessage(failed.reason);
      throw new Error(`cannot connect to Redis at ${describeRedisUrl(opts.url)}: ${why}`);
    }
    return conns;
  }

  /**
   * Adds a handler for a channel; resolves once Redis confirmed the subscription (so a
   * PUBLISH issued afterwards, from any instance, reaches it). The returned function
   * removes the handler (idempotent), unsubscribing the channel after its last handler.
   */
  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('redis connections are closed');
    let entry = this.channels.get(channel);
    if (entry === undefined) {
      entry = { handlers: new Set(), ready: this.subscriber.subscribe(channel).then(() => undefined) };
      this.channels.set(channel, entry);
    }
    const own: MessageHandler = (m) => handler(m); // one function added twice counts twice
    const e = entry;
    e.handlers.add(own);
    try {
      await e.ready;
    } catch (err) {
      e.handlers.delete(own);
      if (this.channels.get(channel) === e) this.channels.delete(channel);
      throw err;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      e.handlers.delete(own);
      if (e.handlers.size > 0 || this.channels.get(channel) !== e) return;
      this.channels.delete(channel);
      // Commands on one connection run in order: a later SUBSCRIBE of this channel wins.
      if (!this.closed) await this.subscriber.unsubscribe(channel).catch((err: unknown) => this.warn('unsubscribe failed', err));
    };
  }

  /** Channels this process is subscribed to, with their local handler counts. */
  subscriptions(): Map<string, number> {
    return new Map([...this.channels].map(([c, e]) => [c, e.handlers.size]));
  }

  /** Runs after a reconnect of the subscriber, once every channel is subscribed again. */
  onReconnect(listener: () => void | Promise<void>): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** PING within the timeout; also fails while the subscriber connection is down. */
  async healthCheck(): Promise<void> {
    if (this.closed) throw new Error('redis connections are closed');
    if (this.subscriber.status !== 'ready') throw new Error(`redis subscriber connection is ${this.subscriber.status}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.command.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`redis PING timed out after ${this.pingTimeoutMs} ms`)), this.pingTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    this.reconnectListeners.clear();
    await Promise.all([quit(this.command), quit(this.subscriber)]);
  }

  private dispatch(channel: string, message: string): void {
    const entry = this.channels.get(channel);
    if (entry === undefined) return;
    for (const h of entry.handlers) {
      try {
        h(message);
      } catch (err) {
        this.warn('redis message handler failed', err, { channel });
      }
    }
  }

  private async restoreSubscriptions(): Promise<void> {
    const channels = [...this.channels.keys()];
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
    } catch (err) {
      // The connection dropped again; the next 'ready' retries.
      this.warn('redis resubscribe failed', err);
      return;
    }
    this.logger?.info('redis subscriber reconnected', { channels: channels.length });
    for (const l of this.reconnectListeners) {
      try {
        await l();
      } catch (err) {
        this.warn('redis reconnect listener failed', err);
      }
    }
  }

  private watch(client: Redis, role: string): void {
    // Without a listener ioredis prints every connection error; log them once per state change.
    let lastError = '';
    client.on('error', (err: unknown) => {
      const msg = errorMessage(err);
      this.lastConnectionError = msg;
      if (msg === lastError) return;
      lastError = msg;
      this.logger?.warn('redis connection error', { role, url: describeRedisUrl(this.opts.url), err: msg });
    });
    client.on('ready', () => {
      if (lastError !== '') this.logger?.info('redis connection restored', { role });
      lastError = '';
    });
  }

  private warn(message: string, err: unknown, meta: Record<string, unknown> = {}): void {
    this.logger?.warn(message, { ...meta, err: errorMessage(err) });
  }
}

async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** host:port of a Redis URL, never its password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'the configured address';
  }
}

export function errorMessage(err: unknown): string {
  // Not `instanceof Error`: errors from another realm (node:net under Jest) fail that test.
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
