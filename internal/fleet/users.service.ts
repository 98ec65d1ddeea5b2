import type { ListOptions } from './list-options';
import type { User } from './users';
import type { Viewer } from './viewer';

export interface CreateUserInput {
  username?: string;
  password?: string;
  email?: string;
  name?: string;
  position?: string;
  gravatar_url?: string;
  admin?: boolean;
  sso_enabled?: boolean;
  sso_invite?: boolean;
  invite_token?: string;
  admin_forced_password_reset?: boolean;
}

export interface ModifyUserInput {
  username?: string;
  name?: string;
  email?: string;
  password?: string;
  position?: string;
  gravatar_url?: string;
  sso_enabled?: boolean;
}

export interface UserService {
  listUsers(opts: ListOptions): Promise<User[]>;
  /** Sign-up with an invite token (public). */
  createUserFromInvite(input: CreateUserInput): Promise<User>;
  /** Admin creates a user without an invite. */
  createUser(input: CreateUserInput): Promise<User>;
  user(id: number): Promise<User>;
  modifyUser(viewer: Viewer, id: number, patch: ModifyUserInput): Promise<User>;
  enableUser(id: number, enabled: boolean): Promise<User>;
  setAdmin(id: number, admin: boolean): Promise<User>;
  requirePasswordReset(id: number, require: boolean): Promise<User>;
  changePassword(viewer: Viewer, oldPassword: string, newPassword: string): Promise<void>;
  forgotPassword(email: string): Promise<void>;
  resetPassword(token: string, newPassword: string): Promise<void>;
  performRequiredPasswordReset(viewer: Viewer, newPassword: string): Promise<User>;
  /** Confirms the caller's pending email change; returns the new address. */
  changeEmail(viewer: Viewer, token: string): Promise<string>;
}
