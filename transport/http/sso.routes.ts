import { FeatureDisabledError } from '../../internal/fleet';
import { ok, type RouteDef } from './route';
import type { Services } from './services';

/**
 * Single sign-on. The public settings are served; the SAML flow itself arrives later, so
 * starting a login or posting a SAML response answers a clear error instead of a stub
 * success: "SSO is not enabled" while the app config has it off, and a statement that this
 * server does not support it yet when an admin has turned it on.
 */
export function ssoRoutes({ appConfig }: Services): RouteDef[] {
  const unavailable = async (): Promise<never> => {
    const { sso_settings } = await appConfig.appConfig();
    if (!sso_settings.enable_sso) throw new FeatureDisabledError('SSO is not enabled');
    throw new FeatureDisabledError('SSO is enabled in the settings but SAML login is not supported by this server yet');
  };
  return [
    {
      method: 'GET',
      path: '/sso',
      name: 'settings_sso',
      auth: 'public',
      async handle() {
        const { sso_settings } = await appConfig.appConfig();
        return ok({
          settings: {
            idp_name: sso_settings.idp_name,
            idp_image_url: sso_settings.idp_image_url,
            sso_enabled: sso_settings.enable_sso,
          },
        });
      },
    },
    { method: 'POST', path: '/sso', name: 'initiate_sso', auth: 'public', handle: unavailable },
    { method: 'POST', path: '/sso/callback', name: 'callback_sso', auth: 'public', handle: unavailable },
  ];
}
