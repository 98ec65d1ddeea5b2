import { NotFoundError, type EmailChangeStore } from '../../internal/fleet';
import type { InmemTables } from './tables';
import type { InmemUserStore } from './users.store';

export class InmemEmailChangeStore implements EmailChangeStore {
  constructor(
    private readonly t: InmemTables,
    private readonly users: InmemUserStore,
  ) {}

  async newPendingEmailChange(userId: number, newEmail: string, tokenHash: string): Promise<void> {
    this.users.find(userId);
    this.t.emailChanges.set(userId, {
      id: this.t.emailChangeIds.nextId(),
      user_id: userId,
      token_hash: tokenHash,
      new_email: newEmail,
    });
  }

  async confirmPendingEmailChange(userId: number, tokenHash: string): Promise<string> {
    const change = this.t.emailChanges.get(userId);
    if (!change || change.token_hash !== tokenHash) {
      throw new NotFoundError('EmailChange', `for user id=${userId}`);
    }
    const user = this.users.find(userId);
    // Checked before any change, so a taken address leaves user and request untouched.
    this.users.assertUnique(user.username, change.new_email, userId);
    user.email = change.new_email;
    user.updated_at = new Date();
    this.t.emailChanges.delete(userId);
    return change.new_email;
  }
}
