/** Raw osquery config JSON as the operator wrote it. */
export type OsqueryConfig = Record<string, unknown>;

export interface OptionsSpec {
  config: OsqueryConfig;
  overrides: { platforms?: Record<string, OsqueryConfig> };
}

export function defaultOptionsSpec(): OptionsSpec {
  return {
    config: {
      options: {
        logger_plugin: 'tls',
        pack_delimiter: '/',
        logger_tls_period: 10,
        distributed_plugin: 'tls',
        disable_distributed: false,
        logger_tls_endpoint: '/api/v1/osquery/log',
        distributed_interval: 10,
        distributed_tls_max_attempts: 3,
      },
      decorators: {
        load: ['SELECT uuid AS host_uuid FROM system_info;', 'SELECT hostname AS hostname FROM system_info;'],
      },
    },
    overrides: {},
  };
}

export interface OsqueryOptionsStore {
  /** The stored options, or the defaults when none were applied yet. */
  osqueryOptions(): Promise<OptionsSpec>;
  /** Atomically replaces the default config and all platform overrides. */
  applyOsqueryOptions(spec: OptionsSpec): Promise<void>;
}
