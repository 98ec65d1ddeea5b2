import { optionsSpecJSON } from './app-config.serialize';
import { decodeApplyOsqueryOptionsSpec } from './osquery-options.requests';
import { ok, type RouteDef } from './route';
import type { Services } from './services';

/**
 * GET/POST /spec/osquery_options (spec rest-api.md §13). Writing needs no admin: Fleet
 * let any logged-in user apply options (fleetctl relies on it), so the quirk is kept.
 */
export function osqueryOptionsRoutes({ appConfig }: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/spec/osquery_options',
      name: 'get_osquery_options_spec',
      auth: 'auth',
      async handle() {
        return ok({ spec: optionsSpecJSON(await appConfig.osqueryOptions()) });
      },
    },
    {
      method: 'POST',
      path: '/spec/osquery_options',
      name: 'apply_osquery_options_spec',
      auth: 'auth',
      async handle({ req }) {
        const { spec } = decodeApplyOsqueryOptionsSpec(req.body);
        await appConfig.applyOsqueryOptions({
          config: spec.config,
          overrides: spec.overrides?.platforms ? { platforms: spec.overrides.platforms } : {},
        });
        return ok({});
      },
    },
  ];
}
