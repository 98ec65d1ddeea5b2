import {
  AlreadyExistsError,
  inStatusBucket,
  NEVER_UPDATED,
  NotFoundError,
  type EnrollInput,
  type EnrollResult,
  type Host,
  type HostListOptions,
  type HostStatusSummary,
  type HostStore,
  type HostUpdate,
} from '../../internal/fleet';
import { detailEntries, emptyHostDetails, lastPerLabel, matchesHostQuery } from '../host-fields';
import { HOST_ORDER_FIELDS } from '../order-fields';
import { listPage } from './list';
import { copy, sameFolded, type InmemTables } from './tables';

const ALL_HOSTS = 'All Hosts';

export class InmemHostStore implements HostStore {
  constructor(private readonly t: InmemTables) {}

  async enrollHost(input: EnrollInput): Promise<EnrollResult> {
    // Checked before any change, so a failure leaves everything as it was.
    const entries = detailEntries(input.details);
    const existing = this.findBy((h) => sameFolded(h.osquery_host_id, input.osqueryHostId));
    for (const other of this.t.hosts.values()) {
      if (other !== existing && other.node_key_hash === input.nodeKeyHash) throw new AlreadyExistsError('Host', input.osqueryHostId);
    }
    const now = new Date(input.now.getTime());
    let host: Host;
    let replacedNodeKeyHash: string | null = null;
    if (existing) {
      host = existing;
      if (host.node_key_hash !== input.nodeKeyHash) replacedNodeKeyHash = host.node_key_hash;
      host.node_key_hash = input.nodeKeyHash;
      host.enroll_secret_name = input.enrollSecretName;
      host.last_enrolled_at = now;
      host.updated_at = new Date(now.getTime());
    } else {
      host = {
        ...emptyHostDetails(),
        id: this.t.hostIds.nextId(),
        created_at: now,
        updated_at: new Date(now.getTime()),
        detail_updated_at: new Date(NEVER_UPDATED.getTime()),
        label_updated_at: new Date(NEVER_UPDATED.getTime()),
        last_enrolled_at: new Date(now.getTime()),
        seen_time: new Date(now.getTime()),
        enroll_secret_name: input.enrollSecretName,
        osquery_host_id: input.osqueryHostId,
        node_key_hash: input.nodeKeyHash,
      };
      this.t.hosts.set(host.id, host);
    }
    applyDetails(host, entries);
    const allHosts = [...this.t.labels.values()].find((l) => l.name === ALL_HOSTS && l.label_type === 'builtin');
    if (allHosts) {
      const mine = this.membershipsOf(host.id);
      if (!mine.has(allHosts.id)) mine.set(allHosts.id, { created_at: new Date(now.getTime()), updated_at: new Date(now.getTime()) });
    }
    return { host: copy(host), replacedNodeKeyHash };
  }

  async hostByNodeKeyHash(nodeKeyHash: string): Promise<Host | null> {
    return this.copyOrNull(this.findBy((h) => h.node_key_hash === nodeKeyHash));
  }

  async host(id: number): Promise<Host> {
    return copy(this.find(id));
  }

  async hostByIdentifier(identifier: string): Promise<Host | null> {
    // An empty identifier would match every host that has not reported a hostname or uuid.
    if (identifier === '') return null;
    return this.copyOrNull(
      this.findBy(
        (h) => sameFolded(h.hostname, identifier) || sameFolded(h.osquery_host_id, identifier) || sameFolded(h.uuid, identifier),
      ),
    );
  }

  async listHosts(opts: HostListOptions): Promise<Host[]> {
    const { status, query, labelId, now } = opts;
    const rows = [...this.t.hosts.values()].filter(
      (h) =>
        (status === undefined || inStatusBucket(h, status, now)) &&
        (query === undefined || query === '' || matchesHostQuery(h, query)) &&
        (labelId === undefined || this.t.memberships.get(h.id)?.has(labelId) === true),
    );
    return copy(listPage(rows, opts, HOST_ORDER_FIELDS));
  }

  async hostStatusSummary(now: Date): Promise<HostStatusSummary> {
    const summary: HostStatusSummary = { online_count: 0, offline_count: 0, mia_count: 0, new_count: 0 };
    for (const h of this.t.hosts.values()) {
      if (inStatusBucket(h, 'online', now)) summary.online_count += 1;
      if (inStatusBucket(h, 'offline', now)) summary.offline_count += 1;
      if (inStatusBucket(h, 'mia', now)) summary.mia_count += 1;
      if (inStatusBucket(h, 'new', now)) summary.new_count += 1;
    }
    return summary;
  }

  async deleteHost(id: number): Promise<Host> {
    const host = this.find(id);
    this.remove(host);
    return copy(host);
  }

  async updateHost(id: number, update: HostUpdate): Promise<void> {
    const host = this.find(id);
    const entries = detailEntries(update.details);
    applyDetails(host, entries);
    if (update.detail_updated_at) host.detail_updated_at = new Date(update.detail_updated_at.getTime());
    if (update.labels) {
      const at = update.labels.at;
      const mine = this.membershipsOf(id);
      for (const [labelId, member] of lastPerLabel(update.labels.results)) {
        if (!member) {
          mine.delete(labelId);
        } else if (this.t.labels.has(labelId)) {
          // A label deleted meanwhile is skipped, as the SQL's join with labels does.
          const created_at = mine.get(labelId)?.created_at ?? new Date(at.getTime());
          mine.set(labelId, { created_at, updated_at: new Date(at.getTime()) });
        }
      }
      host.label_updated_at = new Date(at.getTime());
    }
    host.updated_at = new Date();
  }

  async markHostsSeen(ids: number[], at: Date): Promise<void> {
    for (const id of ids) {
      const host = this.t.hosts.get(id);
      if (host) host.seen_time = new Date(at.getTime());
    }
  }

  async deleteHostsSeenBefore(cutoff: Date): Promise<string[]> {
    return this.removeWhere((h) => h.seen_time.getTime() < cutoff.getTime());
  }

  async deleteIncomingHosts(createdBefore: Date): Promise<string[]> {
    return this.removeWhere((h) => h.hostname === '' && h.osquery_version === '' && h.created_at.getTime() < createdBefore.getTime());
  }

  private find(id: number): Host {
    const host = this.t.hosts.get(id);
    if (!host) throw new NotFoundError('Host', id);
    return host;
  }

  /** The lowest-id match, as the SQL's ORDER BY id LIMIT 1. */
  private findBy(match: (h: Host) => boolean): Host | undefined {
    let found: Host | undefined;
    for (const h of this.t.hosts.values()) if (match(h) && (found === undefined || h.id < found.id)) found = h;
    return found;
  }

  private copyOrNull(host: Host | undefined): Host | null {
    return host ? copy(host) : null;
  }

  private membershipsOf(hostId: number) {
    let mine = this.t.memberships.get(hostId);
    if (!mine) {
      mine = new Map();
      this.t.memberships.set(hostId, mine);
    }
    return mine;
  }

  private remove(host: Host): void {
    this.t.hosts.delete(host.id);
    this.t.memberships.delete(host.id);
  }

  private removeWhere(match: (h: Host) => boolean): string[] {
    const gone = [...this.t.hosts.values()].filter(match).sort((a, b) => a.id - b.id);
    for (const h of gone) this.remove(h);
    return gone.map((h) => h.node_key_hash);
  }
}

function applyDetails(host: Host, entries: [keyof Host, unknown][]): void {
  const target = host as unknown as Record<string, unknown>;
  for (const [key, value] of entries) target[key] = copy(value);
}
