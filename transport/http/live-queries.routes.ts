import type { CampaignWithMetrics } from '../../internal/fleet';
import { decodeRunQuery, decodeRunQueryByNames } from './live-queries.requests';
import { ok, viewerOf, type RouteDef } from './route';
import { fleetTime } from './serialize';
import type { Services } from './services';

/** Fleet's campaign object: `Metrics` and its members capitalised (no JSON tags in Fleet). */
export function campaignJSON({ campaign, metrics }: CampaignWithMetrics) {
  return {
    created_at: fleetTime(campaign.created_at),
    updated_at: fleetTime(campaign.updated_at),
    Metrics: {
      TotalHosts: metrics.total,
      OnlineHosts: metrics.online,
      OfflineHosts: metrics.offline,
      MissingInActionHosts: metrics.mia,
      NewHosts: metrics.new,
    },
    id: campaign.id,
    query_id: campaign.query_id,
    status: campaign.status,
    user_id: campaign.user_id,
  };
}

/**
 * Live-query campaigns and the live-query health checks (spec rest-api.md §10, §13;
 * osquery §9.1, §9.7): any logged-in user. Mounted only when a live-query service is bound.
 */
export function liveQueryRoutes({ liveQuery }: Services): RouteDef[] {
  if (!liveQuery) return [];
  return [
    {
      method: 'POST',
      path: '/queries/run',
      name: 'create_distributed_query_campaign',
      auth: 'auth',
      async handle(ctx) {
        const { query, selected } = decodeRunQuery(ctx.req.body);
        return ok({ campaign: campaignJSON(await liveQuery.runQuery(viewerOf(ctx), query, selected)) });
      },
    },
    {
      method: 'POST',
      path: '/queries/run_by_names',
      name: 'create_distributed_query_campaign_by_names',
      auth: 'auth',
      async handle(ctx) {
        const { query, selected } = decodeRunQueryByNames(ctx.req.body);
        return ok({ campaign: campaignJSON(await liveQuery.runQueryByNames(viewerOf(ctx), query, selected)) });
      },
    },
    {
      method: 'GET',
      path: '/status/result_store',
      name: 'status_result_store',
      auth: 'auth',
      async handle() {
        await liveQuery.resultStoreStatus();
        return ok({});
      },
    },
    {
      method: 'GET',
      path: '/status/live_query',
      name: 'status_live_query',
      auth: 'auth',
      async handle() {
        await liveQuery.liveQueryStatus();
        return ok({});
      },
    },
  ];
}
