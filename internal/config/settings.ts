/**
 * The one table of configuration settings. YAML paths, FLEET_/KOLIDE_ environment
 * names and command-line flags are all derived from `key` (see names.ts), so adding a
 * setting here is the only step needed to expose it everywhere.
 */
import type { DatastoreKind, OsqueryLogPlugin } from './config';
import type { FieldPath, ValueAt } from './field-path';

export type SettingKind = 'string' | 'int' | 'bool' | 'duration' | 'enum';

export interface Setting {
  /** Fleet's dotted name, e.g. "session.duration"; also the YAML path. */
  readonly key: string;
  /** Other accepted dotted names, lower precedence than `key` (Fleet's redis.address). */
  readonly aliases: readonly string[];
  /** The FleetConfig field this fills (names may differ: duration -> duration_seconds). */
  readonly field: FieldPath;
  readonly kind: SettingKind;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Secret parts are masked by dumpConfig. */
  readonly secret?: 'url-password';
  /** Canonicalises an accepted string (e.g. host:port -> redis://host:port). */
  readonly normalize?: (value: string) => string;
  /** Extra rule; returns a reason when the value is unusable. */
  readonly check?: (value: string) => string | undefined;
}

// The kind must fit the field's type: booleans are 'bool', numbers 'int'/'duration'.
type KindFor<V> = V extends boolean
  ? 'bool'
  : V extends number
    ? 'int' | 'duration'
    : V extends string
      ? 'string' | 'enum'
      : never;

type Spec<P extends FieldPath> = Omit<Setting, 'field' | 'kind' | 'aliases'> & {
  kind: KindFor<ValueAt<P>>;
  aliases?: readonly string[];
};

function setting<P extends FieldPath>(field: P, spec: Spec<P>): Setting {
  return { ...spec, aliases: spec.aliases ?? [], field };
}

export const DATASTORE_KINDS = ['embedded', 'inmem', 'postgres'] as const satisfies readonly DatastoreKind[];
// Fails to compile if DatastoreKind gains a member the list above lacks.
const everyKindListed: Exclude<DatastoreKind, (typeof DATASTORE_KINDS)[number]> extends never ? true : never = true;
void everyKindListed;

/** Osquery's --host_identifier choices, as Fleet 3.x accepts them. */
export const HOST_IDENTIFIERS = ['provided', 'instance', 'uuid', 'hostname'] as const;

export const OSQUERY_LOG_PLUGINS = ['filesystem', 'stdout'] as const satisfies readonly OsqueryLogPlugin[];
// Fleet's other plugins, named in the error so an operator knows they are not supported here.
const UNSUPPORTED_LOG_PLUGINS = ['firehose', 'kinesis', 'pubsub', 'lambda'];

function logPluginSpec(key: string, which: string): Spec<'osquery.status_log_plugin'> {
  return {
    key,
    // A 'string' kind (not 'enum') so Fleet's "" can be accepted and read as filesystem.
    kind: 'string',
    choices: OSQUERY_LOG_PLUGINS,
    normalize: (v) => v.trim().toLowerCase() || 'filesystem',
    check: (v) => {
      const name = v.trim().toLowerCase();
      if (name === '' || (OSQUERY_LOG_PLUGINS as readonly string[]).includes(name)) return undefined;
      const hint = UNSUPPORTED_LOG_PLUGINS.includes(name) ? ' (Fleet\'s other plugins are not supported)' : '';
      return `expected one of ${OSQUERY_LOG_PLUGINS.join(', ')}${hint}`;
    },
    description: `Where osquery ${which} logs go: filesystem or stdout`,
  };
}

const nonEmptyPath = (v: string): string | undefined => (v.trim() === '' ? 'must not be empty' : undefined);

export const SETTINGS: readonly Setting[] = [
  setting('datastore', {
    key: 'datastore',
    kind: 'enum',
    choices: DATASTORE_KINDS,
    description: 'Store: embedded (PGlite), inmem (nothing persists) or postgres',
  }),
  setting('postgres.url', {
    key: 'postgres.url',
    kind: 'string',
    secret: 'url-password',
    description: 'PostgreSQL connection URL; setting it alone selects the postgres store',
  }),
  setting('postgres.pool_size', { key: 'postgres.pool_size', kind: 'int', min: 1, description: 'PostgreSQL connection pool size' }),
  setting('embedded.dir', { key: 'embedded.dir', kind: 'string', description: 'Data directory of the embedded store' }),
  setting('redis.url', {
    key: 'redis.url',
    aliases: ['redis.address'],
    kind: 'string',
    secret: 'url-password',
    // Fleet's redis.address is host:port; accept it by giving it a scheme.
    normalize: (v) => (v === '' || v.includes('://') ? v : `redis://${v}`),
    description: 'Redis URL (or Fleet\'s host:port address); needed to run several instances',
  }),
  setting('redis.key_prefix', {
    key: 'redis.key_prefix',
    kind: 'string',
    check: (v) => (/^[\x21-\x7e]*$/.test(v) ? undefined : 'must be printable ASCII without spaces'),
    description: 'Prefix for every Redis key and channel, e.g. "fleet1:" to share one Redis',
  }),
  setting('server.address', { key: 'server.address', kind: 'string', description: 'Listen address, host:port' }),
  setting('server.tls', { key: 'server.tls', kind: 'bool', description: 'Serve HTTPS (needs server.cert and server.key)' }),
  setting('server.cert', { key: 'server.cert', kind: 'string', description: 'TLS certificate file (PEM)' }),
  setting('server.key', { key: 'server.key', kind: 'string', description: 'TLS private key file (PEM)' }),
  setting('server.url_prefix', {
    key: 'server.url_prefix',
    kind: 'string',
    check: (v) => (v === '' || v.startsWith('/') ? undefined : 'must be empty or start with "/"'),
    description: 'Path prefix for every route, e.g. /fleet',
  }),
  setting('server.workers', {
    key: 'server.workers',
    // `fleet serve --workers N` (and FLEET_WORKERS / workers: in a file) also work.
    aliases: ['workers'],
    kind: 'int',
    min: 1,
    max: 256,
    description: 'Server processes on this host sharing the port (also --workers); above 1 needs postgres and redis',
  }),
  setting('server.max_body_bytes', { key: 'server.max_body_bytes', kind: 'int', min: 1, description: 'Largest accepted admin API JSON body, in bytes' }),
  setting('auth.bcrypt_cost', { key: 'auth.bcrypt_cost', kind: 'int', min: 4, max: 31, description: 'bcrypt cost for password hashes' }),
  setting('auth.salt_key_size', { key: 'auth.salt_key_size', kind: 'int', min: 1, description: 'Password salt size in bytes' }),
  setting('auth.login_rate_per_minute', { key: 'auth.login_rate_per_minute', kind: 'int', min: 1, description: 'Login attempts per account and per client address per minute' }),
  setting('app.token_key_size', { key: 'app.token_key_size', kind: 'int', min: 1, description: 'Size of generated invite/reset tokens in bytes' }),
  setting('app.invite_token_validity_seconds', {
    key: 'app.invite_token_validity_period',
    kind: 'duration',
    min: 1,
    description: 'How long an invite stays valid (Go duration or seconds)',
  }),
  setting('app.password_reset_validity_seconds', {
    key: 'app.password_reset_validity_period',
    kind: 'duration',
    min: 1,
    description: 'How long a password reset token stays valid (Go duration or seconds)',
  }),
  setting('session.key_size', { key: 'session.key_size', kind: 'int', min: 1, description: 'Session key size in bytes' }),
  setting('session.duration_seconds', {
    key: 'session.duration',
    kind: 'duration',
    min: 0,
    description: 'Idle session timeout (Go duration or seconds); 0 never expires',
  }),
  setting('logging.json', { key: 'logging.json', kind: 'bool', description: 'Log JSON lines' }),
  setting('logging.debug', { key: 'logging.debug', kind: 'bool', description: 'Log at debug level' }),
  setting('logging.disable_banner', { key: 'logging.disable_banner', kind: 'bool', description: 'Do not print the startup banner' }),
  setting('osquery.host_identifier', {
    key: 'osquery.host_identifier',
    kind: 'enum',
    choices: HOST_IDENTIFIERS,
    description: 'Which identifier names a host: provided, instance, uuid or hostname',
  }),
  setting('osquery.detail_update_interval_seconds', {
    key: 'osquery.detail_update_interval',
    kind: 'duration',
    min: 1,
    description: 'How often host details are refreshed (Go duration or seconds)',
  }),
  setting('osquery.label_update_interval_seconds', {
    key: 'osquery.label_update_interval',
    kind: 'duration',
    min: 1,
    description: 'How often label queries are re-run (Go duration or seconds)',
  }),
  setting('osquery.status_log_plugin', logPluginSpec('osquery.status_log_plugin', 'status')),
  setting('osquery.result_log_plugin', logPluginSpec('osquery.result_log_plugin', 'result')),
  setting('filesystem.status_log_file', {
    key: 'filesystem.status_log_file',
    kind: 'string',
    check: nonEmptyPath,
    description: 'File osquery status logs are appended to (filesystem plugin)',
  }),
  setting('filesystem.result_log_file', {
    key: 'filesystem.result_log_file',
    kind: 'string',
    check: nonEmptyPath,
    description: 'File osquery result logs are appended to (filesystem plugin)',
  }),
  setting('filesystem.enable_log_rotation', {
    key: 'filesystem.enable_log_rotation',
    kind: 'bool',
    description: 'Rotate the log files by size and on SIGHUP',
  }),
  setting('filesystem.enable_log_compression', {
    key: 'filesystem.enable_log_compression',
    kind: 'bool',
    description: 'Gzip rotated log files (needs rotation)',
  }),
  setting('filesystem.max_size_mb', {
    key: 'filesystem.max_size_mb',
    kind: 'int',
    min: 1,
    description: 'Rotate a log file before it grows past this many MiB',
  }),
  setting('filesystem.max_backups', {
    key: 'filesystem.max_backups',
    kind: 'int',
    min: 1,
    description: 'Rotated log files kept per log (<file>.1 … <file>.N)',
  }),
  setting('filesystem.flush_interval_seconds', {
    key: 'filesystem.flush_interval',
    kind: 'duration',
    min: 0,
    max: 60,
    description: 'Extra wait to batch log writes into one fsync (Go duration or seconds); 0 batches only what arrives during an fsync',
  }),
];

export function settingForField(field: FieldPath): Setting {
  const found = SETTINGS.find((s) => s.field === field);
  if (found === undefined) throw new Error(`no setting fills ${field}`);
  return found;
}
