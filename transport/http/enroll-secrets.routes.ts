import { enrollSecretJSON } from './app-config.serialize';
import { decodeApplyEnrollSecretSpec } from './enroll-secrets.requests';
import { ok, type RouteDef } from './route';
import type { Services } from './services';

/** GET/POST /spec/enroll_secret (spec rest-api.md §13). Secrets can be added or changed, never deleted. */
export function enrollSecretRoutes({ appConfig }: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/spec/enroll_secret',
      name: 'get_enroll_secret_spec',
      auth: 'active',
      async handle() {
        const secrets = await appConfig.enrollSecrets();
        return ok({ specs: { secrets: secrets.length > 0 ? secrets.map(enrollSecretJSON) : null } });
      },
    },
    {
      method: 'POST',
      path: '/spec/enroll_secret',
      name: 'apply_enroll_secret_spec',
      auth: 'admin',
      async handle({ req }) {
        const { spec } = decodeApplyEnrollSecretSpec(req.body);
        await appConfig.applyEnrollSecrets(
          spec.secrets.map((s) => ({ name: s.name, secret: s.secret, active: s.active ?? false })),
        );
        return ok({});
      },
    },
  ];
}
