import { AlreadyExistsError, NotFoundError, type Session, type SessionStore } from '../../internal/fleet';
import type { ManagerSource } from './connection';
import { SessionEntity } from './entities';
import { isForeignKeyViolation, uniqueViolation, withoutParameters } from './pg-errors';

function toSession(e: SessionEntity): Session {
  return { ...e };
}

export class SessionsRepository implements SessionStore {
  constructor(private readonly em: ManagerSource) {}

  async newSession(userId: number, keyHash: string): Promise<Session> {
    const em = await this.em();
    try {
      const result = await em
        .createQueryBuilder()
        .insert()
        .into(SessionEntity)
        .values({ user_id: userId, key_hash: keyHash })
        .returning('*')
        .execute();
      return toSession(result.raw[0] as SessionEntity);
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new NotFoundError('User', `with id=${userId}`);
      if (uniqueViolation(err) !== null) throw new AlreadyExistsError('Session', 0);
      throw withoutParameters(err);
    }
  }

  async sessionByKeyHash(keyHash: string): Promise<Session | null> {
    const found = await (await this.em()).findOneBy(SessionEntity, { key_hash: keyHash });
    return found ? toSession(found) : null;
  }

  async session(id: number): Promise<Session> {
    const found = await (await this.em()).findOneBy(SessionEntity, { id });
    if (!found) throw new NotFoundError('Session', id);
    return toSession(found);
  }

  async listSessionsForUser(userId: number): Promise<Session[]> {
    const rows = await (await this.em()).find(SessionEntity, { where: { user_id: userId }, order: { id: 'ASC' } });
    return rows.map(toSession);
  }

  /** A session deleted meanwhile (logout race) is not an error. */
  async markSessionAccessed(id: number, at: Date): Promise<void> {
    await (await this.em()).update(SessionEntity, { id }, { accessed_at: at });
  }

  async destroySession(id: number): Promise<void> {
    await (await this.em()).delete(SessionEntity, { id });
  }

  async destroyAllSessionsForUser(userId: number): Promise<void> {
    await (await this.em()).delete(SessionEntity, { user_id: userId });
  }
}
