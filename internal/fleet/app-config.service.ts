import type { AppConfig } from './app-config';
import type { EnrollSecret, EnrollSecretInput } from './enroll-secrets';
import type { OptionsSpec } from './osquery-options';
import type { Viewer } from './viewer';

/** What the API shows instead of the SMTP password; a patch sending it back keeps the stored one. */
export const SMTP_PASSWORD_MASK = '********';

/** Every field optional; `null` means the same as absent: keep the stored value. */
type Partial0<T> = { [F in keyof T]?: T[F] | null };

/**
 * PATCH /config body (spec rest-api.md §13): the same nested sections as the config,
 * every section and field optional. Present non-null fields overwrite; absent or null
 * ones keep the stored value. `smtp_settings.configured` cannot be set by a client: it
 * follows from the SMTP test; `enable_smtp` asks for that test (true) or turns SMTP off.
 */
export interface AppConfigPatch {
  org_info?: Partial0<AppConfig['org_info']> | null;
  server_settings?: Partial0<AppConfig['server_settings']> | null;
  smtp_settings?: (Partial0<Omit<AppConfig['smtp_settings'], 'configured'>> & { enable_smtp?: boolean | null }) | null;
  sso_settings?: Partial0<AppConfig['sso_settings']> | null;
  host_expiry_settings?: Partial0<AppConfig['host_expiry_settings']> | null;
  host_settings?: Partial0<AppConfig['host_settings']> | null;
}

export interface AppConfigService {
  appConfig(): Promise<AppConfig>;
  /**
   * Validates and merges the patch, tests SMTP (a mail to the viewer's address) when
   * asked, then saves. A failed test mail is a MailError and nothing is saved.
   */
  modifyAppConfig(viewer: Viewer, patch: AppConfigPatch): Promise<AppConfig>;
  enrollSecrets(): Promise<EnrollSecret[]>;
  applyEnrollSecrets(secrets: EnrollSecretInput[]): Promise<void>;
  osqueryOptions(): Promise<OptionsSpec>;
  applyOsqueryOptions(spec: OptionsSpec): Promise<void>;
  /** PEM of the TLS chain this server serves. UnprocessableError when it does not serve TLS. */
  certificateChain(): Promise<string>;
}
