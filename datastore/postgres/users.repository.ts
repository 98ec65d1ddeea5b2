import { AlreadyExistsError, NotFoundError, type ListOptions, type NewUser, type User, type UserStore } from '../../internal/fleet';
import { USER_ORDER_FIELDS } from '../order-fields';
import type { ManagerSource } from './connection';
import { UserEntity } from './entities';
import { applyListOptions } from './list-query';
import { uniqueViolation, withoutParameters } from './pg-errors';

/** The columns a caller may write: everything but the id and the timestamps. */
function writable(u: NewUser): NewUser {
  return {
    username: u.username,
    name: u.name,
    email: u.email,
    admin: u.admin,
    enabled: u.enabled,
    force_password_reset: u.force_password_reset,
    gravatar_url: u.gravatar_url,
    position: u.position,
    sso_enabled: u.sso_enabled,
    password_hash: u.password_hash,
    salt: u.salt,
  };
}

function toUser(e: UserEntity): User {
  return { ...e };
}

/** Maps a unique violation on username/email to AlreadyExistsError('User', <taken value>). */
export function userConflict(err: unknown, username: string, email: string): unknown {
  const index = uniqueViolation(err);
  if (index === 'users_username_lower_key') return new AlreadyExistsError('User', username);
  if (index === 'users_email_lower_key') return new AlreadyExistsError('User', email);
  return withoutParameters(err);
}

export class UsersRepository implements UserStore {
  constructor(private readonly em: ManagerSource) {}

  async newUser(input: NewUser): Promise<User> {
    const em = await this.em();
    try {
      const result = await em.createQueryBuilder().insert().into(UserEntity).values(writable(input)).returning('*').execute();
      return toUser(result.raw[0] as UserEntity);
    } catch (err) {
      throw userConflict(err, input.username, input.email);
    }
  }

  async user(id: number): Promise<User> {
    const found = await (await this.em()).findOneBy(UserEntity, { id });
    if (!found) throw new NotFoundError('User', `with id=${id}`);
    return toUser(found);
  }

  async userByEmail(email: string): Promise<User | null> {
    return this.findFolded('email', email);
  }

  async userByUsername(username: string): Promise<User | null> {
    return this.findFolded('username', username);
  }

  async listUsers(opts: ListOptions): Promise<User[]> {
    const qb = (await this.em()).createQueryBuilder(UserEntity, 'u');
    return (await applyListOptions(qb, opts, USER_ORDER_FIELDS).getMany()).map(toUser);
  }

  async countUsers(): Promise<number> {
    return (await this.em()).count(UserEntity);
  }

  async saveUser(user: User): Promise<User> {
    const em = await this.em();
    let raw: UserEntity[];
    try {
      const result = await em
        .createQueryBuilder()
        .update(UserEntity)
        .set({ ...writable(user), updated_at: () => 'now()' })
        .where('id = :id', { id: user.id })
        .returning('*')
        .execute();
      raw = result.raw as UserEntity[];
    } catch (err) {
      throw userConflict(err, user.username, user.email);
    }
    if (raw.length === 0) throw new NotFoundError('User', `with id=${user.id}`);
    return toUser(raw[0]!);
  }

  private async findFolded(column: 'email' | 'username', value: string): Promise<User | null> {
    // lower(...) = lower(...) so the unique expression index serves the lookup.
    const found = await (await this.em())
      .createQueryBuilder(UserEntity, 'u')
      .where(`lower(u.${column}) = lower(:value)`, { value })
      .getOne();
    return found ? toUser(found) : null;
  }
}
