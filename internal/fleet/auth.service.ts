import type { Session } from './sessions';
import type { User } from './users';
import type { Viewer } from './viewer';

export interface LoginInput {
  username: string;
  password: string;
  /** Client address, for per-address rate limiting. */
  remoteAddress: string;
}

export interface SessionService {
  /** Returns the user and a new bearer token. AuthenticationError / RateLimitError. */
  login(input: LoginInput): Promise<{ user: User; token: string }>;
  /** Creates a session for a user that has already been authenticated (setup, SSO). */
  makeSession(user: User): Promise<string>;
  logout(viewer: Viewer): Promise<void>;
  /** Resolves a bearer token to its viewer, sliding the session's expiry. AuthenticationError. */
  authenticate(token: string): Promise<Viewer>;
  /** Admin view of one session (refreshes it). NotFoundError / AuthenticationError('session error') if expired. */
  session(id: number): Promise<Session>;
  deleteSession(id: number): Promise<void>;
  /** Live sessions of a user; expired ones are deleted and left out. */
  listSessionsForUser(userId: number): Promise<Session[]>;
  deleteSessionsForUser(userId: number): Promise<void>;
}
