// Hourly host housekeeping (spec §4 "incoming hosts", §8 host expiry). Every instance runs it;
// both deletions are idempotent. Each deleted host's node key is revoked on the bus so agent
// caches (here and, through Redis later, on other instances) stop accepting it.
import type { InvalidationBus } from '../../internal/cache/invalidation-bus';
import type { AppConfigStore, HostStore } from '../../internal/fleet';
import type { Logger } from '../../internal/logging';

/** Enrolled hosts that never reported details are deleted after this long. */
export const INCOMING_HOST_GRACE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export interface HostCleanupResult {
  expired: number;
  incoming: number;
}

export async function cleanupHosts(
  store: Pick<HostStore, 'deleteHostsSeenBefore' | 'deleteIncomingHosts'> & Pick<AppConfigStore, 'appConfig'>,
  bus: InvalidationBus,
  logger: Logger,
  now: Date,
): Promise<HostCleanupResult> {
  const result: HostCleanupResult = { expired: 0, incoming: 0 };
  const { host_expiry_settings: expiry } = await store.appConfig();
  if (expiry?.host_expiry_enabled && expiry.host_expiry_window > 0) {
    const cutoff = new Date(now.getTime() - expiry.host_expiry_window * DAY_MS);
    const hashes = await store.deleteHostsSeenBefore(cutoff);
    for (const nodeKeyHash of hashes) bus.publish({ kind: 'node-key-revoked', nodeKeyHash });
    result.expired = hashes.length;
  }
  const incoming = await store.deleteIncomingHosts(new Date(now.getTime() - INCOMING_HOST_GRACE_MS));
  for (const nodeKeyHash of incoming) bus.publish({ kind: 'node-key-revoked', nodeKeyHash });
  result.incoming = incoming.length;
  if (result.expired > 0 || result.incoming > 0) logger.info('host cleanup deleted hosts', { ...result });
  return result;
}
