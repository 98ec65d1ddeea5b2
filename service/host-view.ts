import { hostStatus } from '../internal/fleet/host-status';
import type { Host, HostWithStatus } from '../internal/fleet';

/** The host with its per-host status at `now` (spec §4, per-host column). */
export function withStatus(host: Host, now: Date): HostWithStatus {
  return { ...host, status: hostStatus(host, now) };
}
