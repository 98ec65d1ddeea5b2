import { hostJSON } from './hosts.serialize';
import { labelJSON } from './labels.serialize';
import { ok, type RouteDef } from './route';
import type { Services } from './services';
import { decodeTargetSearch } from './targets.requests';

/** Target search for live queries (spec rest-api.md §12): any logged-in user. */
export function targetRoutes({ targets }: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/targets',
      name: 'search_targets',
      auth: 'auth',
      async handle({ req }) {
        const { query, selected } = decodeTargetSearch(req.body);
        const r = await targets.searchTargets(query, selected);
        return ok({
          targets: {
            hosts: r.hosts.map((h) => hostJSON(h)),
            labels: r.labels.map(({ label, host_count }) => ({ ...labelJSON(label, host_count), display_text: label.name, count: host_count })),
          },
          targets_count: r.counts.total,
          targets_online: r.counts.online,
          targets_offline: r.counts.offline,
          targets_missing_in_action: r.counts.mia,
        });
      },
    },
  ];
}
