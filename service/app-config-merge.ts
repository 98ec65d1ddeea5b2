// The rules of PATCH /config (spec rest-api.md §13) as pure functions, so they can be
// tested without a server: what is invalid, how a patch merges into the stored config,
// and what the SMTP part of the patch asks for.
import {
  InvalidArgumentError,
  SMTP_AUTH_METHODS,
  SMTP_AUTH_TYPES,
  SMTP_PASSWORD_MASK,
  type AppConfig,
  type AppConfigPatch,
} from '../internal/fleet';

/** Fleet trims white space and trailing slashes off the server URL (no https check on PATCH). */
export function trimServerUrl(raw: string): string {
  return raw.trim().replace(/\/+$/, '');
}

/** Why a (trimmed, non-empty) server URL is unusable, or null when it is fine. */
export function serverUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url is not valid';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url scheme must be http or https';
  if (!parsed.hostname) return 'url must name a host';
  return null;
}

/** Go's len(): Fleet's minimum lengths count bytes. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A field of the patch that is present and not null. */
function given<T>(v: T | null | undefined): v is T {
  return v !== undefined && v !== null;
}

/**
 * Every semantic check of a patch against the stored config, collected in check order:
 * SSO (only when the patch enables it), the server URL, the SMTP enumerations, host
 * expiry. Shapes and types are the transport's job; these hold for any caller.
 */
export function validateAppConfigPatch(stored: AppConfig, patch: AppConfigPatch): InvalidArgumentError {
  const invalid = new InvalidArgumentError();
  const merged = mergeAppConfig(stored, patch);

  const sso = patch.sso_settings;
  if (sso?.enable_sso === true) {
    const m = merged.sso_settings;
    if (!m.metadata && !m.metadata_url) {
      invalid.append('metadata', 'either metadata or metadata_url must be defined');
    }
    if (sso.metadata && sso.metadata_url) {
      invalid.append('metadata', 'both metadata and metadata_url are defined, only one is allowed');
    }
    if (sso.entity_id && byteLength(sso.entity_id) < 5) invalid.append('entity_id', 'must be 5 or more characters');
    else if (!m.entity_id) invalid.append('entity_id', 'required');
    if (sso.idp_name && byteLength(sso.idp_name) < 4) invalid.append('idp_name', 'must be 4 or more characters');
    else if (!m.idp_name) invalid.append('idp_name', 'required');
  }

  const url = patch.server_settings?.kolide_server_url;
  if (given(url)) {
    const trimmed = trimServerUrl(url);
    const problem = trimmed ? serverUrlProblem(trimmed) : null;
    if (problem) invalid.append('kolide_server_url', problem);
  }

  const smtp = patch.smtp_settings;
  if (given(smtp?.authentication_type) && !SMTP_AUTH_TYPES.includes(smtp.authentication_type)) {
    invalid.append('authentication_type', `must be one of ${SMTP_AUTH_TYPES.join(', ')}`);
  }
  if (given(smtp?.authentication_method) && !SMTP_AUTH_METHODS.includes(smtp.authentication_method)) {
    invalid.append('authentication_method', `must be one of ${SMTP_AUTH_METHODS.join(', ')}`);
  }
  if (given(smtp?.port) && !(Number.isInteger(smtp.port) && smtp.port >= 1 && smtp.port <= 65535)) {
    invalid.append('port', 'must be an integer between 1 and 65535');
  }

  const window = patch.host_expiry_settings?.host_expiry_window;
  if (given(window) && !(Number.isInteger(window) && window >= 0)) {
    invalid.append('host_expiry_window', 'must be an integer of 0 or more');
  } else if (merged.host_expiry_settings.host_expiry_enabled && merged.host_expiry_settings.host_expiry_window < 1) {
    invalid.append('host_expiry_window', 'must be at least 1 (day) when host expiry is enabled');
  }
  return invalid;
}

/**
 * The stored config with the patch applied: present non-null fields overwrite, absent or
 * null ones keep. The server URL is trimmed; a masked SMTP password keeps the stored one;
 * `additional_queries` is replaced as a whole (`{}` clears it, null keeps it). The SMTP
 * `configured` flag is left alone: it follows from the SMTP test (see smtpAction).
 */
export function mergeAppConfig(stored: AppConfig, patch: AppConfigPatch): AppConfig {
  const out = structuredClone(stored);
  const put = <S extends object>(target: S, source: object | null | undefined, skip: string[] = []): void => {
    if (!source) return;
    for (const key of Object.keys(target) as Array<keyof S & string>) {
      if (skip.includes(key)) continue;
      const value = (source as Record<string, unknown>)[key];
      if (given(value)) target[key] = structuredClone(value) as S[keyof S & string];
    }
  };
  put(out.org_info, patch.org_info);
  put(out.server_settings, patch.server_settings);
  if (given(patch.server_settings?.kolide_server_url)) {
    out.server_settings.kolide_server_url = trimServerUrl(patch.server_settings.kolide_server_url);
  }
  put(out.smtp_settings, patch.smtp_settings, ['configured', 'password']);
  const password = patch.smtp_settings?.password;
  if (given(password) && password !== SMTP_PASSWORD_MASK) out.smtp_settings.password = password;
  put(out.sso_settings, patch.sso_settings);
  put(out.host_expiry_settings, patch.host_expiry_settings);
  const queries = patch.host_settings?.additional_queries;
  if (given(queries)) out.host_settings.additional_queries = { ...queries };
  return out;
}

/**
 * What the SMTP part of a patch asks for (spec §13 step 3): only when `smtp_settings` is
 * present. `enable_smtp` true, or absent while SMTP is configured: test the merged
 * settings with a mail. `enable_smtp` false: SMTP off. Otherwise nothing changes.
 */
export function smtpAction(stored: AppConfig, patch: AppConfigPatch): 'test' | 'disable' | 'keep' {
  const smtp = patch.smtp_settings;
  if (!smtp) return 'keep';
  if (smtp.enable_smtp === true) return 'test';
  if (smtp.enable_smtp === false) return 'disable';
  return stored.smtp_settings.configured ? 'test' : 'keep';
}
