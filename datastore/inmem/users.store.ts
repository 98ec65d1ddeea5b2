import { AlreadyExistsError, NotFoundError, type ListOptions, type NewUser, type User, type UserStore } from '../../internal/fleet';
import { USER_ORDER_FIELDS } from '../order-fields';
import { listPage } from './list';
import { copy, sameFolded, type InmemTables } from './tables';

export class InmemUserStore implements UserStore {
  constructor(private readonly t: InmemTables) {}

  async newUser(input: NewUser): Promise<User> {
    this.assertUnique(input.username, input.email);
    const now = new Date();
    const user: User = { ...copy(input), id: this.t.userIds.nextId(), created_at: now, updated_at: now };
    this.t.users.set(user.id, user);
    return copy(user);
  }

  async user(id: number): Promise<User> {
    return copy(this.find(id));
  }

  async userByEmail(email: string): Promise<User | null> {
    return this.findBy((u) => sameFolded(u.email, email));
  }

  async userByUsername(username: string): Promise<User | null> {
    return this.findBy((u) => sameFolded(u.username, username));
  }

  async listUsers(opts: ListOptions): Promise<User[]> {
    return copy(listPage(this.t.users.values(), opts, USER_ORDER_FIELDS));
  }

  async countUsers(): Promise<number> {
    return this.t.users.size;
  }

  async saveUser(user: User): Promise<User> {
    const stored = this.find(user.id);
    this.assertUnique(user.username, user.email, user.id);
    const saved: User = { ...copy(user), created_at: stored.created_at, updated_at: new Date() };
    this.t.users.set(saved.id, saved);
    return copy(saved);
  }

  /** The stored user (not a copy); for stores that change users. */
  find(id: number): User {
    const user = this.t.users.get(id);
    if (!user) throw new NotFoundError('User', `with id=${id}`);
    return user;
  }

  /** Throws AlreadyExistsError('User', value) when another user holds the username or email. */
  assertUnique(username: string, email: string, exceptId?: number): void {
    for (const other of this.t.users.values()) {
      if (other.id === exceptId) continue;
      if (sameFolded(other.username, username)) throw new AlreadyExistsError('User', username);
      if (sameFolded(other.email, email)) throw new AlreadyExistsError('User', email);
    }
  }

  private findBy(match: (u: User) => boolean): User | null {
    for (const u of this.t.users.values()) if (match(u)) return copy(u);
    return null;
  }
}
