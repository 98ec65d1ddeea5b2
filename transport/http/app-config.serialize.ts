import { SMTP_PASSWORD_MASK, type AppConfig, type EnrollSecret, type OptionsSpec } from '../../internal/fleet';
import { fleetTime } from './serialize';

/**
 * Fleet's app config JSON in its field order (spec rest-api.md §13). Non-admins see only
 * org_info, server_settings and host_settings. The PATCH response is the admin shape
 * without host_settings (a Fleet quirk clients see, so it is kept).
 */
export function appConfigJSON(c: AppConfig, opts: { admin: boolean; hostSettings: boolean }) {
  const org_info = { org_name: c.org_info.org_name, org_logo_url: c.org_info.org_logo_url };
  const server_settings = {
    kolide_server_url: c.server_settings.kolide_server_url,
    live_query_disabled: c.server_settings.live_query_disabled,
  };
  const host_settings = { additional_queries: c.host_settings.additional_queries ?? null };
  if (!opts.admin) return { org_info, server_settings, host_settings };
  const s = c.smtp_settings;
  const o = c.sso_settings;
  return {
    org_info,
    server_settings,
    smtp_settings: {
      enable_smtp: s.configured,
      configured: s.configured,
      sender_address: s.sender_address,
      server: s.server,
      port: s.port,
      authentication_type: s.authentication_type,
      user_name: s.user_name,
      password: SMTP_PASSWORD_MASK, // whether or not one is stored
      enable_ssl_tls: s.enable_ssl_tls,
      authentication_method: s.authentication_method,
      domain: s.domain,
      verify_ssl_certs: s.verify_ssl_certs,
      enable_start_tls: s.enable_start_tls,
    },
    sso_settings: {
      entity_id: o.entity_id,
      issuer_uri: o.issuer_uri,
      idp_image_url: o.idp_image_url,
      metadata: o.metadata,
      metadata_url: o.metadata_url,
      idp_name: o.idp_name,
      enable_sso: o.enable_sso,
    },
    host_expiry_settings: {
      host_expiry_enabled: c.host_expiry_settings.host_expiry_enabled,
      host_expiry_window: c.host_expiry_settings.host_expiry_window,
    },
    ...(opts.hostSettings ? { host_settings } : {}),
  };
}

export function enrollSecretJSON(s: EnrollSecret) {
  return { name: s.name, secret: s.secret, active: s.active, created_at: fleetTime(s.created_at) };
}

/** `overrides` is always printed, `{}` when there are no platform overrides. */
export function optionsSpecJSON(spec: OptionsSpec) {
  const platforms = spec.overrides?.platforms;
  return {
    config: spec.config,
    overrides: platforms && Object.keys(platforms).length > 0 ? { platforms } : {},
  };
}
