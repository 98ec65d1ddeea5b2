// Hourly campaign cleanup (spec §8, §9.6 (c)): campaigns waiting for a listener for more
// than a minute, or running for more than a day, are completed. Unlike Fleet (DB only), their
// pending queries are stopped too, so hosts stop receiving a campaign nobody will read.
import type { Datastore } from '../../internal/fleet';
import type { LiveQueryStore } from '../../internal/livequery/live-query-store';
import type { Logger } from '../../internal/logging';

export const STALE_WAITING_MS = 60 * 1000;
export const STALE_RUNNING_MS = 24 * 3600 * 1000;

/** Returns the ids of the campaigns it completed. */
export async function cleanupCampaigns(ds: Datastore, store: LiveQueryStore | undefined, logger: Logger, now: Date): Promise<number[]> {
  const ids = await ds.completeStaleCampaigns(new Date(now.getTime() - STALE_WAITING_MS), new Date(now.getTime() - STALE_RUNNING_MS));
  if (store) {
    for (const id of ids) {
      await store.stopQuery(id).catch((err: unknown) => {
        logger.warn('stopping a stale live query failed', { campaign_id: id, err: err instanceof Error ? err.message : String(err) });
      });
    }
  }
  if (ids.length > 0) logger.info('campaign cleanup completed stale campaigns', { completed: ids.length });
  return ids;
}
