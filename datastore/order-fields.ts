import {
  InvalidArgumentError,
  type Host,
  type HOST_ORDER_KEYS,
  type Invite,
  type Label,
  type LABEL_ORDER_KEYS,
  type Pack,
  type PACK_ORDER_KEYS,
  type Query,
  type QUERY_ORDER_KEYS,
  type ScheduledQuery,
  type SCHEDULED_QUERY_ORDER_KEYS,
  type User,
} from '../internal/fleet';

/**
 * Allowed `orderKey`s → the record field (and, in Postgres, the column of the same name)
 * each sorts by. Explicit maps so an alias like `admin_forced_password_reset` works and
 * nothing unvetted ever reaches an ORDER BY.
 */
export const USER_ORDER_FIELDS: Readonly<Record<string, keyof User>> = {
  id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  username: 'username',
  name: 'name',
  email: 'email',
  admin: 'admin',
  enabled: 'enabled',
  force_password_reset: 'force_password_reset',
  admin_forced_password_reset: 'force_password_reset',
  position: 'position',
  sso_enabled: 'sso_enabled',
};

export const INVITE_ORDER_FIELDS: Readonly<Record<string, keyof Invite>> = {
  id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  email: 'email',
  name: 'name',
  admin: 'admin',
  invited_by: 'invited_by',
};

/**
 * Host order keys (Fleet's column names, plus the JSON names) → the Host field. Typed over
 * HOST_ORDER_KEYS so a key added there must be mapped here.
 */
export const HOST_ORDER_FIELDS: Readonly<Record<(typeof HOST_ORDER_KEYS)[number], keyof Host>> = {
  id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  host_name: 'hostname',
  hostname: 'hostname',
  uuid: 'uuid',
  platform: 'platform',
  osquery_version: 'osquery_version',
  os_version: 'os_version',
  uptime: 'uptime',
  physical_memory: 'memory',
  memory: 'memory',
  cpu_type: 'cpu_type',
  hardware_vendor: 'hardware_vendor',
  hardware_model: 'hardware_model',
  hardware_serial: 'hardware_serial',
  computer_name: 'computer_name',
  primary_ip: 'primary_ip',
  seen_time: 'seen_time',
  detail_update_time: 'detail_updated_at',
  detail_updated_at: 'detail_updated_at',
  label_update_time: 'label_updated_at',
  label_updated_at: 'label_updated_at',
  last_enroll_time: 'last_enrolled_at',
  last_enrolled_at: 'last_enrolled_at',
  enroll_secret_name: 'enroll_secret_name',
};

/** A label with its member count, the row label lists are ordered over. */
export type LabelWithCount = Label & { host_count: number };

export const LABEL_ORDER_FIELDS: Readonly<Record<(typeof LABEL_ORDER_KEYS)[number], keyof LabelWithCount>> = {
  id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  name: 'name',
  description: 'description',
  platform: 'platform',
  label_type: 'label_type',
  label_membership_type: 'label_membership_type',
  host_count: 'host_count',
};

export const QUERY_ORDER_FIELDS: Readonly<Record<(typeof QUERY_ORDER_KEYS)[number], keyof Query>> = {
  id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  name: 'name',
  description: 'description',
  query: 'query',
  saved: 'saved',
  author_id: 'author_id',
};

export const PACK_ORDER_FIELDS: Readonly<Record<(typeof PACK_ORDER_KEYS)[number], keyof Pack>> = {
  id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  name: 'name',
  description: 'description',
  platform: 'platform',
  disabled: 'disabled',
};

export const SCHEDULED_QUERY_ORDER_FIELDS: Readonly<Record<(typeof SCHEDULED_QUERY_ORDER_KEYS)[number], keyof ScheduledQuery>> = {
  id: 'id',
  name: 'name',
  interval: 'interval',
  query_name: 'query_name',
  created_at: 'created_at',
  updated_at: 'updated_at',
};

/** The field for `orderKey` (id when absent). The caller validated the key; this is a backstop. */
export function orderField<T>(fields: Readonly<Record<string, keyof T>>, orderKey: string | undefined): keyof T {
  if (orderKey === undefined || orderKey === '') return 'id' as keyof T;
  const field = Object.hasOwn(fields, orderKey) ? fields[orderKey] : undefined;
  if (field === undefined) throw new InvalidArgumentError('order_key', `${orderKey} is not a sortable field`);
  return field;
}
