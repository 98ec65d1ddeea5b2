import { decodeAppConfigPatch } from './app-config.requests';
import { appConfigJSON } from './app-config.serialize';
import { ok, viewerOf, type RouteDef } from './route';
import type { Services } from './services';

/** GET/PATCH /config and GET /config/certificate (spec rest-api.md §13). */
export function appConfigRoutes({ appConfig }: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/config',
      name: 'get_app_config',
      auth: 'active',
      async handle(ctx) {
        const admin = viewerOf(ctx).user.admin;
        return ok(appConfigJSON(await appConfig.appConfig(), { admin, hostSettings: true }));
      },
    },
    {
      method: 'PATCH',
      path: '/config',
      name: 'modify_app_config',
      auth: 'admin',
      async handle(ctx) {
        const patch = decodeAppConfigPatch(ctx.req.body);
        const saved = await appConfig.modifyAppConfig(viewerOf(ctx), patch);
        return ok(appConfigJSON(saved, { admin: true, hostSettings: false }));
      },
    },
    {
      method: 'GET',
      path: '/config/certificate',
      name: 'get_certificate',
      auth: 'auth',
      async handle() {
        const pem = await appConfig.certificateChain();
        return ok({ certificate_chain: Buffer.from(pem, 'utf8').toString('base64') });
      },
    },
  ];
}
