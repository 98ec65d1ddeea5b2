import { NotFoundError, type PasswordResetRequest, type PasswordResetStore } from '../../internal/fleet';
import { copy, type InmemTables } from './tables';

export class InmemPasswordResetStore implements PasswordResetStore {
  constructor(private readonly t: InmemTables) {}

  async newPasswordResetRequest(userId: number, tokenHash: string, expiresAt: Date): Promise<PasswordResetRequest> {
    if (!this.t.users.has(userId)) throw new NotFoundError('User', `with id=${userId}`);
    const request: PasswordResetRequest = {
      id: this.t.passwordResetIds.nextId(),
      user_id: userId,
      token_hash: tokenHash,
      created_at: new Date(),
      expires_at: new Date(expiresAt.getTime()),
    };
    this.t.passwordResets.set(request.id, request);
    return copy(request);
  }

  async passwordResetByTokenHash(tokenHash: string): Promise<PasswordResetRequest | null> {
    for (const r of this.t.passwordResets.values()) if (r.token_hash === tokenHash) return copy(r);
    return null;
  }

  async deletePasswordResetsForUser(userId: number): Promise<void> {
    for (const [id, r] of this.t.passwordResets) if (r.user_id === userId) this.t.passwordResets.delete(id);
  }
}
