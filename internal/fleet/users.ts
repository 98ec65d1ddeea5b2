import type { ListOptions } from './list-options';

/** A Fleet user. Field names are Fleet's JSON names; secrets never leave the service tier. */
export interface User {
  id: number;
  created_at: Date;
  updated_at: Date;
  username: string;
  name: string;
  email: string;
  admin: boolean;
  enabled: boolean;
  force_password_reset: boolean;
  gravatar_url: string;
  position: string;
  sso_enabled: boolean;
  /** bcrypt(password ‖ salt). Never serialised. */
  password_hash: string;
  /** Per-password random salt. Never serialised. */
  salt: string;
}

export type NewUser = Omit<User, 'id' | 'created_at' | 'updated_at'>;

/** Sortable user fields (the `order_key` allow-list of GET /users). */
export const USER_ORDER_KEYS = [
  'id',
  'created_at',
  'updated_at',
  'username',
  'name',
  'email',
  'admin',
  'enabled',
  'force_password_reset',
  'admin_forced_password_reset',
  'position',
  'sso_enabled',
] as const;

export interface UserStore {
  /** Throws AlreadyExistsError('User', …) when the username or email is taken (case-insensitive). */
  newUser(user: NewUser): Promise<User>;
  /** Throws NotFoundError('User', `with id=${id}`). */
  user(id: number): Promise<User>;
  /** Case-insensitive; null when none. */
  userByEmail(email: string): Promise<User | null>;
  /** Case-insensitive; null when none. */
  userByUsername(username: string): Promise<User | null>;
  listUsers(opts: ListOptions): Promise<User[]>;
  countUsers(): Promise<number>;
  /** Saves every mutable field; AlreadyExistsError on a taken username/email; NotFoundError if gone. */
  saveUser(user: User): Promise<User>;
}
