import type { Session } from './sessions';
import type { User } from './users';

/** Who is calling: the authenticated user and the session their token belongs to. */
export interface Viewer {
  user: User;
  session: Session;
}

/**
 * Authorization classes of Fleet's API (spec rest-api.md §2.2). `auth_any` is a valid
 * session whatever the account state (me, logout: the only routes, with
 * `reset_pending`, that a user who must reset their password may call).
 */
export type AuthClass =
  | 'public'
  | 'auth'
  | 'auth_any'
  | 'active'
  | 'admin'
  | 'read_user'
  | 'write_user'
  | 'reset_pending';
