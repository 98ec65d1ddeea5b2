import type { Host, HostListOptions, HostStatus, HostStatusSummary } from './hosts';
import type { Label } from './labels';

/** A host as the API shows it: with its per-host status (spec §4) at the service clock's now. */
export type HostWithStatus = Host & { status: Exclude<HostStatus, 'new'> };

export interface HostService {
  /** `now` in opts is filled by the service. */
  listHosts(opts: Omit<HostListOptions, 'now'>): Promise<HostWithStatus[]>;
  hostSummary(): Promise<HostStatusSummary>;
  host(id: number): Promise<HostWithStatus>;
  /** NotFoundError when no host matches. */
  hostByIdentifier(identifier: string): Promise<{ host: HostWithStatus; labels: Label[] }>;
  /** Deletes the host; its node key stops working at once. */
  deleteHost(id: number): Promise<void>;
}
