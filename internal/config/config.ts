/**
 * The one typed configuration object. Filled, in increasing precedence, from
 * defaults, a YAML file (--config), FLEET_* (or deprecated KOLIDE_*) environment
 * variables, and command-line flags. See load-config.ts.
 */
export type DatastoreKind = 'embedded' | 'inmem' | 'postgres';

/** Where osquery result/status log lines go (Fleet's osquery.*_log_plugin). */
export type OsqueryLogPlugin = 'filesystem' | 'stdout';

export interface FleetConfig {
  datastore: DatastoreKind;
  postgres: { url: string; pool_size: number };
  embedded: { dir: string };
  redis: {
    url: string;
    /** Prepended to every Redis key and channel (several fleets on one Redis). */
    key_prefix: string;
  };
  server: {
    address: string;
    tls: boolean;
    cert: string;
    key: string;
    url_prefix: string;
    /** Largest accepted JSON body on the admin API, in bytes. */
    max_body_bytes: number;
    /**
     * Server processes on this host (node:cluster, sharing the listen port). Above 1 it
     * needs datastore postgres and redis.url.
     */
    workers: number;
  };
  auth: {
    bcrypt_cost: number;
    salt_key_size: number;
    /** Login attempts per account and per client address per minute. */
    login_rate_per_minute: number;
  };
  app: {
    token_key_size: number;
    /** Invite token validity, in seconds. */
    invite_token_validity_seconds: number;
    /** Password reset token validity, in seconds. */
    password_reset_validity_seconds: number;
  };
  session: {
    key_size: number;
    /** Sliding idle timeout in seconds; 0 = never expires. */
    duration_seconds: number;
  };
  logging: { json: boolean; debug: boolean; disable_banner: boolean };
  osquery: {
    host_identifier: string;
    detail_update_interval_seconds: number;
    label_update_interval_seconds: number;
    status_log_plugin: OsqueryLogPlugin;
    result_log_plugin: OsqueryLogPlugin;
  };
  /** The filesystem log plugin (Fleet's filesystem.* keys, plus our rotation limits). */
  filesystem: {
    status_log_file: string;
    result_log_file: string;
    enable_log_rotation: boolean;
    enable_log_compression: boolean;
    /** Rotate when a file would grow past this many MiB. */
    max_size_mb: number;
    /** Rotated files kept (<file>.1 … <file>.N). */
    max_backups: number;
    /**
     * Extra time to gather concurrent /log requests into one fsync, in seconds.
     * 0 = no wait: lines arriving during an fsync already share the next one.
     */
    flush_interval_seconds: number;
  };
}

export function defaultConfig(): FleetConfig {
  return {
    datastore: 'embedded',
    postgres: { url: '', pool_size: 10 },
    embedded: { dir: '.fleet-data' },
    redis: { url: '', key_prefix: '' },
    server: {
      address: '0.0.0.0:8080',
      tls: false,
      cert: '',
      key: '',
      url_prefix: '',
      max_body_bytes: 1024 * 1024,
      workers: 1,
    },
    auth: { bcrypt_cost: 12, salt_key_size: 24, login_rate_per_minute: 10 },
    app: {
      token_key_size: 32,
      invite_token_validity_seconds: 5 * 24 * 3600,
      password_reset_validity_seconds: 24 * 3600,
    },
    session: { key_size: 32, duration_seconds: 90 * 24 * 3600 },
    logging: { json: false, debug: false, disable_banner: false },
    osquery: {
      host_identifier: 'provided',
      detail_update_interval_seconds: 3600,
      label_update_interval_seconds: 3600,
      status_log_plugin: 'filesystem',
      result_log_plugin: 'filesystem',
    },
    filesystem: {
      status_log_file: '/tmp/osquery_status',
      result_log_file: '/tmp/osquery_result',
      enable_log_rotation: false,
      enable_log_compression: false,
      max_size_mb: 500,
      max_backups: 3,
      flush_interval_seconds: 0,
    },
  };
}
