import { NotFoundError, type EmailChangeStore } from '../../internal/fleet';
import type { ManagerSource } from './connection';
import { EmailChangeEntity, UserEntity } from './entities';
import { isForeignKeyViolation, withoutParameters } from './pg-errors';
import { userConflict } from './users.repository';

export class EmailChangesRepository implements EmailChangeStore {
  constructor(private readonly em: ManagerSource) {}

  async newPendingEmailChange(userId: number, newEmail: string, tokenHash: string): Promise<void> {
    const em = await this.em();
    try {
      // One statement replaces the user's pending change (unique on user_id).
      await em
        .createQueryBuilder()
        .insert()
        .into(EmailChangeEntity)
        .values({ user_id: userId, new_email: newEmail, token_hash: tokenHash })
        .orUpdate(['new_email', 'token_hash'], ['user_id'])
        .execute();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new NotFoundError('User', `with id=${userId}`);
      throw withoutParameters(err);
    }
  }

  async confirmPendingEmailChange(userId: number, tokenHash: string): Promise<string> {
    const em = await this.em();
    return em.transaction(async (tx) => {
      const change = await tx.findOneBy(EmailChangeEntity, { user_id: userId, token_hash: tokenHash });
      if (!change) throw new NotFoundError('EmailChange', `for user id=${userId}`);
      try {
        await tx.update(UserEntity, { id: userId }, { email: change.new_email, updated_at: () => 'now()' });
      } catch (err) {
        // The rollback keeps the pending change, as the in-memory store does.
        throw userConflict(err, '', change.new_email);
      }
      await tx.delete(EmailChangeEntity, { id: change.id });
      return change.new_email;
    });
  }
}
