/** SMTP authentication types and methods as Fleet spells them on the wire. */
export const SMTP_AUTH_TYPES = ['authtype_username_password', 'authtype_none'] as const;
export const SMTP_AUTH_METHODS = ['authmethod_plain', 'authmethod_cram_md5', 'authmethod_login'] as const;
export type SmtpAuthType = (typeof SMTP_AUTH_TYPES)[number];
export type SmtpAuthMethod = (typeof SMTP_AUTH_METHODS)[number];

/** The single app-config record (Fleet's `app_configs` row), grouped as the API shows it. */
export interface AppConfig {
  org_info: { org_name: string; org_logo_url: string };
  server_settings: { kolide_server_url: string; live_query_disabled: boolean };
  smtp_settings: {
    /** Set only after a successful test mail. */
    configured: boolean;
    sender_address: string;
    server: string;
    port: number;
    authentication_type: SmtpAuthType;
    user_name: string;
    password: string;
    enable_ssl_tls: boolean;
    authentication_method: SmtpAuthMethod;
    domain: string;
    verify_ssl_certs: boolean;
    enable_start_tls: boolean;
  };
  sso_settings: {
    entity_id: string;
    issuer_uri: string;
    idp_image_url: string;
    metadata: string;
    metadata_url: string;
    idp_name: string;
    enable_sso: boolean;
  };
  host_expiry_settings: { host_expiry_enabled: boolean; host_expiry_window: number };
  host_settings: { additional_queries: Record<string, string> | null };
}

export function defaultAppConfig(): AppConfig {
  return {
    org_info: { org_name: '', org_logo_url: '' },
    server_settings: { kolide_server_url: '', live_query_disabled: false },
    smtp_settings: {
      configured: false,
      sender_address: '',
      server: '',
      port: 587,
      authentication_type: 'authtype_username_password',
      user_name: '',
      password: '',
      enable_ssl_tls: true,
      authentication_method: 'authmethod_plain',
      domain: '',
      verify_ssl_certs: true,
      enable_start_tls: true,
    },
    sso_settings: {
      entity_id: '',
      issuer_uri: '',
      idp_image_url: '',
      metadata: '',
      metadata_url: '',
      idp_name: '',
      enable_sso: false,
    },
    host_expiry_settings: { host_expiry_enabled: false, host_expiry_window: 0 },
    host_settings: { additional_queries: null },
  };
}

export interface AppConfigStore {
  /** The stored config, or the defaults when none was saved yet. */
  appConfig(): Promise<AppConfig>;
  saveAppConfig(config: AppConfig): Promise<void>;
}
