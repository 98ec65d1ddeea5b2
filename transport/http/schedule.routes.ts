import { SCHEDULED_QUERY_ORDER_KEYS } from '../../internal/fleet';
import { parseId, parseListOptions } from './params';
import { ok, type RouteDef } from './route';
import { decodeNewScheduledQuery, decodeScheduledQueryPatch } from './schedule.requests';
import { scheduledQueryJSON } from './schedule.serialize';
import type { Services } from './services';

/**
 * Scheduled queries (spec rest-api.md §11): any logged-in user. Options are validated
 * (policy: interval 1–604800, shard 0–100, osquery platforms, versions like 4.6.0).
 */
export function scheduleRoutes({ packs }: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/packs/:id/scheduled',
      name: 'list_scheduled_queries_in_pack',
      auth: 'auth',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const list = await packs.listScheduledQueries(id, parseListOptions(req, SCHEDULED_QUERY_ORDER_KEYS));
        return ok({ scheduled: list.map(scheduledQueryJSON) });
      },
    },
    {
      method: 'POST',
      path: '/schedule',
      name: 'schedule_query',
      auth: 'auth',
      async handle({ req }) {
        const { packId, queryId, options } = decodeNewScheduledQuery(req.body);
        return ok({ scheduled: scheduledQueryJSON(await packs.scheduleQuery(packId, queryId, options)) });
      },
    },
    {
      method: 'GET',
      path: '/schedule/:id',
      name: 'get_scheduled_query',
      auth: 'auth',
      async handle({ req }) {
        return ok({ scheduled: scheduledQueryJSON(await packs.scheduledQuery(parseId(req.params.id))) });
      },
    },
    {
      method: 'PATCH',
      path: '/schedule/:id',
      name: 'modify_scheduled_query',
      auth: 'auth',
      async handle({ req }) {
        const id = parseId(req.params.id);
        return ok({ scheduled: scheduledQueryJSON(await packs.modifyScheduledQuery(id, decodeScheduledQueryPatch(req.body))) });
      },
    },
    {
      method: 'DELETE',
      path: '/schedule/:id',
      name: 'delete_scheduled_query',
      auth: 'auth',
      async handle({ req }) {
        await packs.deleteScheduledQuery(parseId(req.params.id));
        return ok({});
      },
    },
  ];
}
