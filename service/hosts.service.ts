import { inject, injectable } from 'inversify';
import type { InvalidationBus } from '../internal/cache/invalidation-bus';
import type { Clock } from '../internal/clock/clock';
import { TYPES } from '../internal/container/identifiers';
import {
  NotFoundError,
  type Datastore,
  type Host,
  type HostListOptions,
  type HostService,
  type HostStatusSummary,
  type HostWithStatus,
  type Label,
} from '../internal/fleet';
import { withStatus } from './host-view';

/** Hosts as the admin API sees them (spec rest-api.md §8); time comes from the injected clock. */
@injectable()
export class HostServiceImpl implements HostService {
  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.InvalidationBus) private readonly bus: InvalidationBus,
  ) {}

  async listHosts(opts: Omit<HostListOptions, 'now'>): Promise<HostWithStatus[]> {
    const now = this.clock.now();
    const hosts = await this.ds.listHosts({ ...opts, now });
    return hosts.map((h) => withStatus(h, now));
  }

  hostSummary(): Promise<HostStatusSummary> {
    return this.ds.hostStatusSummary(this.clock.now());
  }

  async host(id: number): Promise<HostWithStatus> {
    return withStatus(await this.ds.host(id), this.clock.now());
  }

  async hostByIdentifier(identifier: string): Promise<{ host: HostWithStatus; labels: Label[] }> {
    const host: Host | null = identifier === '' ? null : await this.ds.hostByIdentifier(identifier);
    if (!host) throw new NotFoundError('Host', identifier);
    const labels = await this.ds.labelsForHost(host.id);
    return { host: withStatus(host, this.clock.now()), labels };
  }

  async deleteHost(id: number): Promise<void> {
    const deleted = await this.ds.deleteHost(id);
    // Caches holding the host's node key (agent auth) must forget it now, not at expiry.
    this.bus.publish({ kind: 'node-key-revoked', nodeKeyHash: deleted.node_key_hash });
    this.bus.publish({ kind: 'host-changed', hostId: deleted.id });
  }
}
