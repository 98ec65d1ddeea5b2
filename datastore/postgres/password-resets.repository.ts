import { NotFoundError, type PasswordResetRequest, type PasswordResetStore } from '../../internal/fleet';
import type { ManagerSource } from './connection';
import { PasswordResetEntity } from './entities';
import { isForeignKeyViolation, withoutParameters } from './pg-errors';

function toRequest(e: PasswordResetEntity): PasswordResetRequest {
  return { ...e };
}

export class PasswordResetsRepository implements PasswordResetStore {
  constructor(private readonly em: ManagerSource) {}

  async newPasswordResetRequest(userId: number, tokenHash: string, expiresAt: Date): Promise<PasswordResetRequest> {
    const em = await this.em();
    try {
      const result = await em
        .createQueryBuilder()
        .insert()
        .into(PasswordResetEntity)
        .values({ user_id: userId, token_hash: tokenHash, expires_at: expiresAt })
        .returning('*')
        .execute();
      return toRequest(result.raw[0] as PasswordResetEntity);
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new NotFoundError('User', `with id=${userId}`);
      throw withoutParameters(err);
    }
  }

  async passwordResetByTokenHash(tokenHash: string): Promise<PasswordResetRequest | null> {
    const found = await (await this.em()).findOneBy(PasswordResetEntity, { token_hash: tokenHash });
    return found ? toRequest(found) : null;
  }

  async deletePasswordResetsForUser(userId: number): Promise<void> {
    await (await this.em()).delete(PasswordResetEntity, { user_id: userId });
  }
}
