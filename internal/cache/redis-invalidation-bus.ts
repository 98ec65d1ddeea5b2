/**
 * The invalidation bus across instances. `publish` runs this process's listeners at once
 * (synchronously, like LocalInvalidationBus) and sends the event on a Redis channel;
 * events from other instances reach the local listeners when they arrive. A process
 * ignores its own messages (they carry its instance id), so local listeners see each
 * event once.
 *
 * Delivery across instances is at most once: an event published while this process's
 * subscriber connection is down is missed. So after a reconnect the bus tells local
 * listeners to drop everything (`resync`, preceded by the global kinds).
 */
import type { Logger } from '../logging';
import type { RedisConnections } from '../redis';
import { errorMessage } from '../redis/connections';
import { LocalInvalidationBus, type InvalidationBus, type InvalidationEvent } from './invalidation-bus';

interface WireMessage {
  /** Sender's instance id. */
  i: string;
  e: InvalidationEvent;
}

const KINDS: ReadonlySet<string> = new Set<InvalidationEvent['kind']>([
  'node-key-revoked',
  'host-changed',
  'host-labels-changed',
  'labels-changed',
  'app-config-changed',
  'agent-config-changed',
  'resync',
]);

/** What a reconnect delivers locally, in this order. */
export const RESYNC_EVENTS: readonly InvalidationEvent[] = [
  { kind: 'labels-changed' },
  { kind: 'app-config-changed' },
  { kind: 'agent-config-changed' },
  { kind: 'resync' },
];

export class RedisInvalidationBus implements InvalidationBus {
  private readonly local = new LocalInvalidationBus();
  private unsubscribe: (() => Promise<void>) | null = null;
  private offReconnect: (() => void) | null = null;
  private closed = false;

  private constructor(
    private readonly redis: RedisConnections,
    private readonly logger?: Logger,
  ) {}

  static async start(redis: RedisConnections, logger?: Logger): Promise<RedisInvalidationBus> {
    const bus = new RedisInvalidationBus(redis, logger);
    bus.unsubscribe = await redis.subscribe(redis.keys.invalidation(), (m) => bus.onMessage(m));
    bus.offReconnect = redis.onReconnect(() => bus.resync());
    return bus;
  }

  publish(event: InvalidationEvent): void {
    this.local.publish(event);
    this.publishToOthers(event);
  }

  publishToOthers(event: InvalidationEvent): void {
    if (this.closed) return;
    const message: WireMessage = { i: this.redis.instanceId, e: event };
    this.redis.command.publish(this.redis.keys.invalidation(), JSON.stringify(message)).catch((err: unknown) => {
      // Other instances keep a stale entry until it is evicted or reloaded; say so loudly.
      this.logger?.error('could not send a cache invalidation to other instances', {
        kind: event.kind,
        err: errorMessage(err),
      });
    });
  }

  subscribe(listener: (event: InvalidationEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.offReconnect?.();
    await this.unsubscribe?.();
  }

  private resync(): void {
    for (const e of RESYNC_EVENTS) this.deliver(e);
  }

  private onMessage(raw: string): void {
    let message: WireMessage;
    try {
      message = JSON.parse(raw) as WireMessage;
    } catch {
      this.logger?.warn('ignoring a malformed cache invalidation message');
      return;
    }
    if (message.i === this.redis.instanceId) return;
    if (typeof message.e?.kind !== 'string' || !KINDS.has(message.e.kind)) {
      this.logger?.warn('ignoring an unknown cache invalidation', { kind: String(message.e?.kind) });
      return;
    }
    this.deliver(message.e);
  }

  private deliver(event: InvalidationEvent): void {
    try {
      this.local.publish(event);
    } catch (err) {
      this.logger?.error('cache invalidation listener failed', { kind: event.kind, err: errorMessage(err) });
    }
  }
}
