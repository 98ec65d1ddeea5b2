import type { FleetConfig } from '../internal/config/config';
import type { AppConfig } from '../internal/fleet';

/** Links in mails point at `kolide_server_url` + `server.url_prefix`. */
export function mailBaseUrl(app: AppConfig, config: FleetConfig): string {
  const server = app.server_settings.kolide_server_url.replace(/\/+$/, '');
  const prefix = config.server.url_prefix.replace(/\/+$/, '');
  return server + (prefix && !prefix.startsWith('/') ? `/${prefix}` : prefix);
}
