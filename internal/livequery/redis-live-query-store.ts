/**
 * Pending live queries shared by every instance through Redis, answered from a local
 * mirror.
 *
 * Redis holds the authoritative state (keys in internal/redis/keys.ts, TTL 7 days):
 * `sql:livequery:<id>` then `livequery:<id>` (a bitfield of host ids, Fleet's layout)
 * written in one MULTI with the SQL first, and an index set of campaign ids so nobody
 * SCANs. Every change is also PUBLISHed (inside the same MULTI or Lua script, so it
 * follows the data) on the live-query events channel; each instance applies the events
 * of the others to its mirror, so `queriesForHost` never leaves memory.
 *
 * The mirror is (re)loaded from Redis at start, after a reconnect of the subscriber (events
 * may have been missed) and every `resyncIntervalMs` (which also drops campaigns whose keys
 * expired). Events arriving during a load are replayed onto the loaded snapshot, so an
 * event is never lost to a load that read Redis before the event's change.
 */
import type { Logger } from '../logging';
import type { RedisConnections } from '../redis';
import { errorMessage } from '../redis/connections';
import { decodeHostBits, encodeHostBits } from './bitfield';
import { CampaignTable, checkIds } from './campaign-table';
import type { LiveQueryStore } from './live-query-store';

export const LIVE_QUERY_TTL_SECONDS = 7 * 24 * 3600;

export interface RedisLiveQueryStoreOptions {
  logger?: Logger;
  /** Key lifetime (Fleet: 7 days). */
  ttlSeconds?: number;
  /** Full reload of the mirror this often, ms; 0 = only at start and after reconnects. */
  resyncIntervalMs?: number;
}

/** One change, as applied to a mirror (and as published, plus the sender's id). */
type LiveQueryEvent =
  | { t: 'run'; c: number; s: string; h: number[] }
  | { t: 'done'; c: number; h: number }
  | { t: 'stop'; c: number };

/** On the wire, a run's hosts are either a base64 bitfield (`b`) or an id list (`h`), whichever is shorter. */
type WireEvent =
  | { t: 'run'; c: number; s: string; b?: string; h?: number[]; i: string }
  | { t: 'done'; c: number; h: number; i: string }
  | { t: 'stop'; c: number; i: string };

// Clears a host's bit only while the campaign exists (SETBIT would otherwise create a key
// without TTL) and announces the change only when the bit was set.
const COMPLETE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local old = redis.call('SETBIT', KEYS[1], ARGV[1], 0)
if old == 1 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return old`;

interface CompleteCommand {
  fleetLiveQueryComplete(key: string, hostId: number, channel: string, event: string): Promise<number>;
}

export class RedisLiveQueryStore implements LiveQueryStore {
  private table = new CampaignTable();
  /** Events applied while a load is in flight; replayed onto its snapshot. */
  private buffered: LiveQueryEvent[] | null = null;
  private loader: Promise<void> | null = null;
  private loadRequested = false;
  private unsubscribe: (() => Promise<void>) | null = null;
  private offReconnect: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly ttl: number;
  private readonly logger: Logger | undefined;

  private constructor(
    private readonly redis: RedisConnections,
    private readonly opts: RedisLiveQueryStoreOptions,
  ) {
    this.ttl = opts.ttlSeconds ?? LIVE_QUERY_TTL_SECONDS;
    this.logger = opts.logger;
    const client = redis.command as unknown as Partial<CompleteCommand> & typeof redis.command;
    if (typeof client.fleetLiveQueryComplete !== 'function') {
      redis.command.defineCommand('fleetLiveQueryComplete', { numberOfKeys: 1, lua: COMPLETE_SCRIPT });
    }
  }

  /** Subscribes to the events channel, then loads the mirror. */
  static async start(redis: RedisConnections, opts: RedisLiveQueryStoreOptions = {}): Promise<RedisLiveQueryStore> {
    const store = new RedisLiveQueryStore(redis, opts);
    store.unsubscribe = await redis.subscribe(redis.keys.liveQueryEvents(), (m) => store.onMessage(m));
    store.offReconnect = redis.onReconnect(() => store.resyncQuietly('reconnect'));
    try {
      await store.reload();
    } catch (err) {
      await store.close();
      throw err;
    }
    const every = opts.resyncIntervalMs ?? 60_000;
    if (every > 0) {
      store.timer = setInterval(() => void store.resyncQuietly('interval'), every);
      store.timer.unref();
    }
    return store;
  }

  async runQuery(campaignId: number, sql: string, hostIds: number[]): Promise<void> {
    checkIds(campaignId, hostIds);
    const keys = this.redis.keys;
    const bits = encodeHostBits(hostIds);
    const wire: WireEvent = { t: 'run', c: campaignId, s: sql, i: this.redis.instanceId };
    // base64 costs 4/3 byte per 8 ids' range; a JSON id list ~ (digits + 1) per id.
    if (Math.ceil(bits.length / 3) * 4 <= hostIds.length * 8) wire.b = bits.toString('base64');
    else wire.h = hostIds;
    const results = await this.redis.command
      .multi()
      .set(keys.liveQuerySql(campaignId), sql, 'EX', this.ttl)
      .set(keys.liveQueryTargets(campaignId), bits, 'EX', this.ttl)
      .sadd(keys.liveQueryIndex(), String(campaignId))
      .expire(keys.liveQueryIndex(), this.ttl)
      .publish(keys.liveQueryEvents(), JSON.stringify(wire))
      .exec();
    throwIfFailed(results, 'run live query');
    this.apply({ t: 'run', c: campaignId, s: sql, h: hostIds });
  }

  queriesForHost(hostId: number): ReadonlyArray<readonly [number, string]> {
    return this.table.queriesForHost(hostId);
  }

  async queryCompletedByHost(campaignId: number, hostId: number): Promise<void> {
    checkIds(campaignId, [hostId]);
    const keys = this.redis.keys;
    const event: WireEvent = { t: 'done', c: campaignId, h: hostId, i: this.redis.instanceId };
    await (this.redis.command as unknown as CompleteCommand).fleetLiveQueryComplete(
      keys.liveQueryTargets(campaignId),
      hostId,
      keys.liveQueryEvents(),
      JSON.stringify(event),
    );
    this.apply({ t: 'done', c: campaignId, h: hostId });
  }

  async stopQuery(campaignId: number): Promise<void> {
    checkIds(campaignId);
    const keys = this.redis.keys;
    const event: WireEvent = { t: 'stop', c: campaignId, i: this.redis.instanceId };
    const results = await this.redis.command
      .multi()
      .del(keys.liveQueryTargets(campaignId), keys.liveQuerySql(campaignId))
      .srem(keys.liveQueryIndex(), String(campaignId))
      .publish(keys.liveQueryEvents(), JSON.stringify(event))
      .exec();
    throwIfFailed(results, 'stop live query');
    this.apply({ t: 'stop', c: campaignId });
  }

  activeCampaigns(): number[] {
    return this.table.ids();
  }

  /** Pending host ids of a campaign in this instance's mirror (tests, diagnostics). */
  mirroredHosts(campaignId: number): number[] {
    return this.table.pendingHosts(campaignId);
  }

  /** Reloads the mirror from Redis (coalesced: at most one more load after a running one). */
  reload(): Promise<void> {
    this.loadRequested = true;
    if (this.loader === null) {
      this.loader = this.loadWhileRequested().finally(() => {
        this.loader = null;
      });
    }
    return this.loader;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.offReconnect?.();
    await this.unsubscribe?.();
    await this.loader?.catch(() => undefined);
    this.table.clear();
  }

  private async loadWhileRequested(): Promise<void> {
    while (this.loadRequested && !this.closed) {
      this.loadRequested = false;
      await this.loadOnce();
    }
  }

  private async loadOnce(): Promise<void> {
    const keys = this.redis.keys;
    this.buffered = [];
    try {
      const ids = (await this.redis.command.smembers(keys.liveQueryIndex()))
        .map(Number)
        .filter((n) => Number.isSafeInteger(n) && n > 0)
        .sort((a, b) => a - b); // campaign ids grow: about the order they were run
      const fresh = new CampaignTable();
      const stale: string[] = [];
      if (ids.length > 0) {
        const pipeline = this.redis.command.pipeline();
        for (const id of ids) pipeline.get(keys.liveQuerySql(id)).getBuffer(keys.liveQueryTargets(id));
        const replies = (await pipeline.exec()) ?? [];
        ids.forEach((id, i) => {
          const [sqlErr, sql] = replies[2 * i] ?? [new Error('missing reply'), null];
          const [bitsErr, bits] = replies[2 * i + 1] ?? [new Error('missing reply'), null];
          if (sqlErr || bitsErr) throw sqlErr ?? bitsErr;
          if (typeof sql !== 'string' || !Buffer.isBuffer(bits)) stale.push(String(id));
          else fresh.set(id, sql, decodeHostBits(bits));
        });
      }
      for (const e of this.buffered) applyTo(fresh, e);
      this.table = fresh;
      if (stale.length > 0) {
        // Expired (or half-deleted) campaigns leave the index; best effort.
        await this.redis.command.srem(keys.liveQueryIndex(), ...stale).catch(() => undefined);
      }
    } finally {
      this.buffered = null;
    }
  }

  private resyncQuietly(why: string): Promise<void> {
    return this.reload().catch((err: unknown) => {
      this.logger?.warn('live query mirror reload failed', { why, err: errorMessage(err) });
    });
  }

  private onMessage(message: string): void {
    let wire: WireEvent;
    try {
      wire = JSON.parse(message) as WireEvent;
    } catch {
      this.logger?.warn('ignoring a malformed live query event');
      return;
    }
    if (wire.i === this.redis.instanceId) return; // applied when it was made
    switch (wire.t) {
      case 'run':
        this.apply({ t: 'run', c: wire.c, s: wire.s, h: wire.b !== undefined ? decodeHostBits(Buffer.from(wire.b, 'base64')) : (wire.h ?? []) });
        break;
      case 'done':
        this.apply({ t: 'done', c: wire.c, h: wire.h });
        break;
      case 'stop':
        this.apply({ t: 'stop', c: wire.c });
        break;
    }
  }

  private apply(e: LiveQueryEvent): void {
    if (this.closed) return;
    applyTo(this.table, e);
    this.buffered?.push(e);
  }
}

function applyTo(table: CampaignTable, e: LiveQueryEvent): void {
  switch (e.t) {
    case 'run':
      table.set(e.c, e.s, e.h);
      break;
    case 'done':
      table.complete(e.c, e.h);
      break;
    case 'stop':
      table.delete(e.c);
      break;
  }
}

function throwIfFailed(results: Array<[Error | null, unknown]> | null, what: string): void {
  if (results === null) throw new Error(`${what}: Redis transaction aborted`);
  for (const [err] of results) if (err) throw new Error(`${what}: ${err.message}`);
}
