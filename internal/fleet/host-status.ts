// Host status rules (spec rest-api §4, osquery §7), as pure functions of a host and `now`.
// Two variants exist on purpose, as in Fleet: the per-host `status` field uses strict
// comparisons, the SQL aggregates (list filter, summary, target counts, campaign metrics)
// use the inclusive ones, so a host exactly on a boundary can count in two buckets.
import type { Host, HostStatus } from './hosts';

/** A host unseen for this long is missing in action (30 × 24 h, not calendar days). */
export const MIA_AFTER_MS = 30 * 24 * 60 * 60 * 1000;
/** A host created within this window is "new". */
export const NEW_HOST_MS = 24 * 60 * 60 * 1000;
/** Added to min(distributed_interval, config_tls_refresh) for the online window. */
export const ONLINE_GRACE_SECONDS = 30;

type SeenFacts = Pick<Host, 'seen_time' | 'distributed_interval' | 'config_tls_refresh'>;

/** The online window I = min(distributed_interval, config_tls_refresh) + 30 s, in ms. */
export function onlineWindowMs(host: Pick<Host, 'distributed_interval' | 'config_tls_refresh'>): number {
  return (Math.min(host.distributed_interval, host.config_tls_refresh) + ONLINE_GRACE_SECONDS) * 1000;
}

/** The per-host `status` value: mia if seen + 30 d < now; offline if seen + I < now; else online. */
export function hostStatus(host: SeenFacts, now: Date): Exclude<HostStatus, 'new'> {
  const seen = host.seen_time.getTime();
  const t = now.getTime();
  if (seen + MIA_AFTER_MS < t) return 'mia';
  if (seen + onlineWindowMs(host) < t) return 'offline';
  return 'online';
}

/** created_at + 24 h >= now. Independent of the online/offline/mia status. */
export function isNewHost(host: Pick<Host, 'created_at'>, now: Date): boolean {
  return host.created_at.getTime() + NEW_HOST_MS >= now.getTime();
}

/**
 * Whether the host counts in `status` under the SQL-aggregate boundaries (what the host
 * list filter and the summary use; the Postgres adapter's SQL says the same):
 * online: seen + I > now; offline: seen + I <= now AND seen + 30 d >= now;
 * mia: seen + 30 d <= now; new: created_at + 24 h >= now.
 */
export function inStatusBucket(host: SeenFacts & Pick<Host, 'created_at'>, status: HostStatus, now: Date): boolean {
  const seen = host.seen_time.getTime();
  const t = now.getTime();
  switch (status) {
    case 'online':
      return seen + onlineWindowMs(host) > t;
    case 'offline':
      return seen + onlineWindowMs(host) <= t && seen + MIA_AFTER_MS >= t;
    case 'mia':
      return seen + MIA_AFTER_MS <= t;
    case 'new':
      return isNewHost(host, now);
  }
}
