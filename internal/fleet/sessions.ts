/** A login session. The client holds a random token; we keep only its SHA-256 hash. */
export interface Session {
  id: number;
  user_id: number;
  created_at: Date;
  accessed_at: Date;
  key_hash: string;
}

export interface SessionStore {
  newSession(userId: number, keyHash: string): Promise<Session>;
  sessionByKeyHash(keyHash: string): Promise<Session | null>;
  /** Throws NotFoundError('Session', id). */
  session(id: number): Promise<Session>;
  listSessionsForUser(userId: number): Promise<Session[]>;
  markSessionAccessed(id: number, at: Date): Promise<void>;
  destroySession(id: number): Promise<void>;
  destroyAllSessionsForUser(userId: number): Promise<void>;
}
