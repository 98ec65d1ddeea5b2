import { AlreadyExistsError, NotFoundError, type Invite, type InviteStore, type ListOptions, type NewInvite } from '../../internal/fleet';
import { INVITE_ORDER_FIELDS } from '../order-fields';
import type { ManagerSource } from './connection';
import { InviteEntity } from './entities';
import { applyListOptions } from './list-query';
import { uniqueViolation, withoutParameters } from './pg-errors';

function toInvite(e: InviteEntity): Invite {
  return { ...e };
}

export class InvitesRepository implements InviteStore {
  constructor(private readonly em: ManagerSource) {}

  async newInvite(input: NewInvite): Promise<Invite> {
    const em = await this.em();
    try {
      const result = await em
        .createQueryBuilder()
        .insert()
        .into(InviteEntity)
        .values({
          invited_by: input.invited_by,
          email: input.email,
          admin: input.admin,
          name: input.name,
          position: input.position,
          sso_enabled: input.sso_enabled,
          token_hash: input.token_hash,
        })
        .returning('*')
        .execute();
      return toInvite(result.raw[0] as InviteEntity);
    } catch (err) {
      // Fleet reports a pending invite for the address as `Invite 0 already exists`.
      if (uniqueViolation(err) !== null) throw new AlreadyExistsError('Invite', 0);
      throw withoutParameters(err);
    }
  }

  async listInvites(opts: ListOptions): Promise<Invite[]> {
    const qb = (await this.em()).createQueryBuilder(InviteEntity, 'i');
    return (await applyListOptions(qb, opts, INVITE_ORDER_FIELDS).getMany()).map(toInvite);
  }

  async invite(id: number): Promise<Invite> {
    const found = await (await this.em()).findOneBy(InviteEntity, { id });
    if (!found) throw new NotFoundError('invites', id);
    return toInvite(found);
  }

  async inviteByTokenHash(tokenHash: string): Promise<Invite | null> {
    const found = await (await this.em()).findOneBy(InviteEntity, { token_hash: tokenHash });
    return found ? toInvite(found) : null;
  }

  async inviteByEmail(email: string): Promise<Invite | null> {
    const found = await (await this.em())
      .createQueryBuilder(InviteEntity, 'i')
      .where('lower(i.email) = lower(:email)', { email })
      .getOne();
    return found ? toInvite(found) : null;
  }

  async deleteInvite(id: number): Promise<void> {
    const result = await (await this.em()).delete(InviteEntity, { id });
    if (!result.affected) throw new NotFoundError('invites', id);
  }
}
