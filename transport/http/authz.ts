import { PermissionError, type AuthClass, type Viewer } from '../../internal/fleet';

/**
 * Fleet's authorization classes (spec rest-api.md §2.2), with the policy's hardening:
 * a user who must reset their password can only reach `reset_pending` routes (plus `auth`
 * routes me/logout are declared as such); a disabled user never gets this far because
 * disabling ends their sessions.
 */
export function authorize(cls: AuthClass, viewer: Viewer, targetUserId?: number): void {
  const u = viewer.user;
  const active = u.enabled && !u.force_password_reset;
  const self = targetUserId !== undefined && targetUserId === u.id;
  if (u.force_password_reset && cls !== 'reset_pending' && cls !== 'auth_any') {
    throw new PermissionError('password reset required');
  }
  switch (cls) {
    case 'public':
    case 'auth':
    case 'auth_any':
      return;
    case 'active':
      if (!active) throw new PermissionError('no read permissions');
      return;
    case 'admin':
      if (!active || !u.admin) throw new PermissionError('must be an admin');
      return;
    case 'read_user':
      if (!active && !(u.enabled && self)) throw new PermissionError('no read permissions on user');
      return;
    case 'write_user':
      if (!(u.enabled && self) && !(active && u.admin)) throw new PermissionError('no write permissions on user');
      return;
    case 'reset_pending':
      if (!u.enabled || !u.force_password_reset) throw new PermissionError('cannot reset password');
      return;
  }
}
