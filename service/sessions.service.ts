import { inject, injectable } from 'inversify';
import type { Clock } from '../internal/clock/clock';
import type { FleetConfig } from '../internal/config/config';
import { TYPES } from '../internal/container/identifiers';
import type { PasswordHasher } from '../internal/crypto/passwords';
import { hashToken, randomToken } from '../internal/crypto/tokens';
import {
  AuthenticationError,
  type Datastore,
  type LoginInput,
  type Session,
  type SessionService,
  type User,
  type Viewer,
} from '../internal/fleet';
import type { LoginRateLimiter } from '../internal/ratelimit/login-rate-limiter';

@injectable()
export class SessionServiceImpl implements SessionService {
  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Config) private readonly config: FleetConfig,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(TYPES.LoginRateLimiter) private readonly limiter: LoginRateLimiter,
  ) {}

  async login({ username, password, remoteAddress }: LoginInput): Promise<{ user: User; token: string }> {
    const name = username.toLowerCase();
    const keys = [`account:${name}`, `address:${remoteAddress}`];
    this.limiter.check(keys);
    const user = await this.findLoginUser(name);
    const fail = (reason?: string): never => {
      this.limiter.recordFailure(keys);
      throw new AuthenticationError(reason);
    };
    if (!user) return fail();
    if (!user.enabled) return fail('account disabled');
    if (user.sso_enabled) return fail('password login not allowed for single sign on users');
    if (!(await this.hasher.verify(password, user.password_hash, user.salt))) return fail();
    return { user, token: await this.makeSession(user) };
  }

  /** An `@` means an email, but usernames may contain `@` too: try email first, then username. */
  private async findLoginUser(name: string): Promise<User | null> {
    if (name.includes('@')) {
      const byEmail = await this.ds.userByEmail(name);
      if (byEmail) return byEmail;
    }
    return this.ds.userByUsername(name);
  }

  async makeSession(user: User): Promise<string> {
    const token = randomToken(this.config.session.key_size);
    await this.ds.newSession(user.id, hashToken(token));
    return token;
  }

  async logout(viewer: Viewer): Promise<void> {
    await this.ds.destroySession(viewer.session.id);
  }

  async authenticate(token: string): Promise<Viewer> {
    if (!token) throw new AuthenticationError();
    const session = await this.ds.sessionByKeyHash(hashToken(token));
    if (!session) throw new AuthenticationError();
    const live = await this.refresh(session);
    if (!live) throw new AuthenticationError();
    let user: User;
    try {
      user = await this.ds.user(live.user_id);
    } catch {
      throw new AuthenticationError();
    }
    // Disabling ends sessions; this also covers a token that raced the disable.
    if (!user.enabled) throw new AuthenticationError();
    return { user, session: live };
  }

  async session(id: number): Promise<Session> {
    const session = await this.ds.session(id);
    const live = await this.refresh(session);
    if (!live) throw new AuthenticationError('session error');
    return live;
  }

  async deleteSession(id: number): Promise<void> {
    await this.ds.session(id);
    await this.ds.destroySession(id);
  }

  async listSessionsForUser(userId: number): Promise<Session[]> {
    const sessions = await this.ds.listSessionsForUser(userId);
    const live: Session[] = [];
    for (const s of sessions) {
      const r = await this.refresh(s);
      if (r) live.push(r);
    }
    return live;
  }

  async deleteSessionsForUser(userId: number): Promise<void> {
    await this.ds.destroyAllSessionsForUser(userId);
  }

  /** Sliding expiry: an idle session past the duration is deleted; a live one is touched. */
  private async refresh(session: Session): Promise<Session | null> {
    const now = this.clock.now();
    const duration = this.config.session.duration_seconds * 1000;
    if (duration > 0 && now.getTime() - session.accessed_at.getTime() > duration) {
      await this.ds.destroySession(session.id);
      return null;
    }
    await this.ds.markSessionAccessed(session.id, now);
    return { ...session, accessed_at: now };
  }
}
