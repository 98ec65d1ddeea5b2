import { NotFoundError } from '../../internal/fleet';
import { echo, parseHostListQuery } from './hosts.requests';
import { hostJSON, hostWithLabelsJSON } from './hosts.serialize';
import { parseId } from './params';
import { ok, type RouteDef } from './route';
import type { Services } from './services';

/** Longest identifier a host can have (hostname, osquery identifier or uuid). */
const MAX_IDENTIFIER = 255;

/** Hosts (spec rest-api.md §8): any logged-in user may list, read and delete them. */
export function hostRoutes({ hosts }: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/hosts',
      name: 'list_hosts',
      auth: 'auth',
      async handle({ req }) {
        const { opts, additionalKeys } = parseHostListQuery(req);
        const list = await hosts.listHosts(opts);
        return ok({ hosts: list.map((h) => hostJSON(h, { additionalKeys })) });
      },
    },
    {
      method: 'GET',
      path: '/host_summary',
      name: 'get_host_summary',
      auth: 'auth',
      async handle() {
        const s = await hosts.hostSummary();
        return ok({
          online_count: s.online_count,
          offline_count: s.offline_count,
          mia_count: s.mia_count,
          new_count: s.new_count,
        });
      },
    },
    {
      method: 'GET',
      path: '/hosts/identifier/:identifier',
      name: 'host_by_identifier',
      auth: 'auth',
      async handle({ req }) {
        const identifier = String(req.params.identifier ?? '');
        if (identifier.length > MAX_IDENTIFIER) throw new NotFoundError('Host', echo(identifier));
        const { host, labels } = await hosts.hostByIdentifier(identifier);
        return ok({ host: hostWithLabelsJSON(host, labels) });
      },
    },
    {
      method: 'GET',
      path: '/hosts/:id',
      name: 'get_host',
      auth: 'auth',
      async handle({ req }) {
        return ok({ host: hostJSON(await hosts.host(parseId(req.params.id))) });
      },
    },
    {
      method: 'DELETE',
      path: '/hosts/:id',
      name: 'delete_host',
      auth: 'auth',
      async handle({ req }) {
        await hosts.deleteHost(parseId(req.params.id));
        return ok({});
      },
    },
  ];
}
