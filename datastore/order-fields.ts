import { InvalidArgumentError, type Invite, type User } from '../internal/fleet';

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

/** The field for `orderKey` (id when absent). The caller validated the key; this is a backstop. */
export function orderField<T>(fields: Readonly<Record<string, keyof T>>, orderKey: string | undefined): keyof T {
  if (orderKey === undefined || orderKey === '') return 'id' as keyof T;
  const field = Object.hasOwn(fields, orderKey) ? fields[orderKey] : undefined;
  if (field === undefined) throw new InvalidArgumentError('order_key', `${orderKey} is not a sortable field`);
  return field;
}
