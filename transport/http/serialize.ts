import type { Invite, Session, User } from '../../internal/fleet';

/** RFC 3339 in UTC at second precision, as Fleet prints MySQL times. */
export function fleetTime(d: Date | null | undefined): string {
  if (!d) return '0001-01-01T00:00:00Z';
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Fleet's User JSON, in its field order; secrets are never included. */
export function userJSON(u: User) {
  return {
    created_at: fleetTime(u.created_at),
    updated_at: fleetTime(u.updated_at),
    id: u.id,
    username: u.username,
    name: u.name,
    email: u.email,
    admin: u.admin,
    enabled: u.enabled,
    force_password_reset: u.force_password_reset,
    gravatar_url: u.gravatar_url,
    ...(u.position ? { position: u.position } : {}),
    sso_enabled: u.sso_enabled,
  };
}

export function sessionJSON(s: Session) {
  return { session_id: s.id, user_id: s.user_id, created_at: fleetTime(s.created_at) };
}

export function inviteJSON(i: Invite) {
  return {
    created_at: fleetTime(i.created_at),
    updated_at: fleetTime(i.updated_at),
    id: i.id,
    invited_by: i.invited_by,
    email: i.email,
    admin: i.admin,
    name: i.name,
    ...(i.position ? { position: i.position } : {}),
    sso_enabled: i.sso_enabled,
  };
}
