/**
 * The in-memory view of pending live queries: campaign → SQL + the hosts that have not
 * answered. Used directly by the single-process store and as the local mirror of the
 * Redis store. `queriesForHost` is the hot path (every distributed/read): it walks a plain
 * array of the active campaigns (O(active campaigns), one Set lookup each) and allocates
 * nothing when no campaign is pending for the host.
 */
export type PendingQuery = readonly [campaignId: number, sql: string];

interface Campaign {
  readonly id: number;
  readonly sql: string;
  readonly pending: Set<number>;
}

const NOTHING_PENDING: ReadonlyArray<PendingQuery> = Object.freeze([]);

export class CampaignTable {
  // Both hold the same campaigns: the map for updates by id, the array for the hot loop
  // (iterating a Map allocates an iterator and entry pairs).
  private readonly byId = new Map<number, Campaign>();
  private list: Campaign[] = [];

  /** Replaces whatever the campaign had. No hosts → the campaign is not active. */
  set(campaignId: number, sql: string, hostIds: Iterable<number>): void {
    this.delete(campaignId);
    const pending = new Set<number>(hostIds);
    if (pending.size === 0) return;
    const c: Campaign = { id: campaignId, sql, pending };
    this.byId.set(campaignId, c);
    this.list.push(c);
  }

  queriesForHost(hostId: number): ReadonlyArray<PendingQuery> {
    const list = this.list;
    let out: PendingQuery[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (c.pending.has(hostId)) (out ??= []).push([c.id, c.sql]);
    }
    return out ?? NOTHING_PENDING;
  }

  /** The host answered; a campaign nobody is pending for leaves the table. */
  complete(campaignId: number, hostId: number): void {
    const c = this.byId.get(campaignId);
    if (c === undefined || !c.pending.delete(hostId)) return;
    if (c.pending.size === 0) this.delete(campaignId);
  }

  delete(campaignId: number): void {
    const c = this.byId.get(campaignId);
    if (c === undefined) return;
    this.byId.delete(campaignId);
    // Copy-on-write: a caller iterating the old array is unaffected.
    this.list = this.list.filter((x) => x !== c);
  }

  has(campaignId: number): boolean {
    return this.byId.has(campaignId);
  }

  ids(): number[] {
    return this.list.map((c) => c.id);
  }

  /** Pending host ids of a campaign (tests, diagnostics). */
  pendingHosts(campaignId: number): number[] {
    const c = this.byId.get(campaignId);
    return c === undefined ? [] : [...c.pending].sort((a, b) => a - b);
  }

  clear(): void {
    this.byId.clear();
    this.list = [];
  }

  get size(): number {
    return this.list.length;
  }
}

/** Campaign and host ids are positive integers (host ids are bit offsets in Redis). */
export function checkIds(campaignId: number, hostIds: readonly number[] = []): void {
  if (!Number.isSafeInteger(campaignId) || campaignId <= 0) {
    throw new RangeError(`invalid campaign id ${String(campaignId)}`);
  }
  for (const h of hostIds) {
    if (!Number.isSafeInteger(h) || h < 0 || h > MAX_HOST_ID) throw new RangeError(`invalid host id ${String(h)}`);
  }
}

/** Redis strings are at most 512 MB; a bitfield of 2^32 bits. Far above any real fleet. */
export const MAX_HOST_ID = 2 ** 32 - 1;
