import { AlreadyExistsError, NotFoundError, type Session, type SessionStore } from '../../internal/fleet';
import { copy, type InmemTables } from './tables';

export class InmemSessionStore implements SessionStore {
  constructor(private readonly t: InmemTables) {}

  async newSession(userId: number, keyHash: string): Promise<Session> {
    if (!this.t.users.has(userId)) throw new NotFoundError('User', `with id=${userId}`);
    for (const s of this.t.sessions.values()) if (s.key_hash === keyHash) throw new AlreadyExistsError('Session', 0);
    const now = new Date();
    const session: Session = { id: this.t.sessionIds.nextId(), user_id: userId, created_at: now, accessed_at: now, key_hash: keyHash };
    this.t.sessions.set(session.id, session);
    return copy(session);
  }

  async sessionByKeyHash(keyHash: string): Promise<Session | null> {
    for (const s of this.t.sessions.values()) if (s.key_hash === keyHash) return copy(s);
    return null;
  }

  async session(id: number): Promise<Session> {
    const s = this.t.sessions.get(id);
    if (!s) throw new NotFoundError('Session', id);
    return copy(s);
  }

  async listSessionsForUser(userId: number): Promise<Session[]> {
    return [...this.t.sessions.values()].filter((s) => s.user_id === userId).map(copy);
  }

  /** A session deleted meanwhile (logout race) is not an error. */
  async markSessionAccessed(id: number, at: Date): Promise<void> {
    const s = this.t.sessions.get(id);
    if (s) s.accessed_at = new Date(at.getTime());
  }

  async destroySession(id: number): Promise<void> {
    this.t.sessions.delete(id);
  }

  async destroyAllSessionsForUser(userId: number): Promise<void> {
    for (const [id, s] of this.t.sessions) if (s.user_id === userId) this.t.sessions.delete(id);
  }
}
