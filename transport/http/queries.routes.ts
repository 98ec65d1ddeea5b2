import { QUERY_ORDER_KEYS } from '../../internal/fleet';
import { parseId, parseListOptions } from './params';
import { MAX_QUERY_NAME, decodeApplyQuerySpecs, decodeDeleteQueries, decodeQueryFields, pathName } from './queries.requests';
import { queryJSON, querySpecJSON } from './queries.serialize';
import { ok, viewerOf, type RouteDef } from './route';
import type { Services } from './services';

/**
 * Saved queries and query specs (spec rest-api.md §10, except live queries): any
 * logged-in user. Name and SQL are required (policy: 422), ATTACH is refused (422).
 */
export function queryRoutes({ queries }: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/queries',
      name: 'list_queries',
      auth: 'auth',
      async handle({ req }) {
        const list = await queries.listQueries(parseListOptions(req, QUERY_ORDER_KEYS));
        return ok({ queries: list.map((q) => queryJSON(q.query, q.packs)) });
      },
    },
    {
      method: 'GET',
      path: '/queries/:id',
      name: 'get_query',
      auth: 'auth',
      async handle({ req }) {
        const q = await queries.query(parseId(req.params.id));
        return ok({ query: queryJSON(q.query, q.packs) });
      },
    },
    {
      method: 'POST',
      path: '/queries',
      name: 'create_query',
      auth: 'auth',
      async handle(ctx) {
        const q = await queries.newQuery(viewerOf(ctx), decodeQueryFields(ctx.req.body));
        return ok({ query: queryJSON(q.query, q.packs) });
      },
    },
    {
      method: 'PATCH',
      path: '/queries/:id',
      name: 'modify_query',
      auth: 'auth',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const q = await queries.modifyQuery(id, decodeQueryFields(req.body));
        return ok({ query: queryJSON(q.query, q.packs) });
      },
    },
    {
      method: 'DELETE',
      path: '/queries/id/:id',
      name: 'delete_query_by_id',
      auth: 'auth',
      async handle({ req }) {
        await queries.deleteQueryById(parseId(req.params.id));
        return ok({});
      },
    },
    {
      method: 'DELETE',
      path: '/queries/:name',
      name: 'delete_query',
      auth: 'auth',
      async handle({ req }) {
        await queries.deleteQuery(pathName(req.params.name, 'queries', MAX_QUERY_NAME));
        return ok({});
      },
    },
    {
      method: 'POST',
      path: '/queries/delete',
      name: 'delete_queries',
      auth: 'auth',
      async handle({ req }) {
        return ok({ deleted: await queries.deleteQueries(decodeDeleteQueries(req.body)) });
      },
    },
    {
      method: 'POST',
      path: '/spec/queries',
      name: 'apply_query_specs',
      auth: 'auth',
      async handle(ctx) {
        await queries.applyQuerySpecs(viewerOf(ctx), decodeApplyQuerySpecs(ctx.req.body));
        return ok({});
      },
    },
    {
      method: 'GET',
      path: '/spec/queries',
      name: 'get_query_specs',
      auth: 'auth',
      async handle() {
        return ok({ specs: (await queries.querySpecs()).map(querySpecJSON) });
      },
    },
    {
      method: 'GET',
      path: '/spec/queries/:name',
      name: 'get_query_spec',
      auth: 'auth',
      async handle({ req }) {
        return ok({ specs: querySpecJSON(await queries.querySpec(pathName(req.params.name, 'Query', MAX_QUERY_NAME))) });
      },
    },
  ];
}
