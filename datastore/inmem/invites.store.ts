import { AlreadyExistsError, NotFoundError, type Invite, type InviteStore, type ListOptions, type NewInvite } from '../../internal/fleet';
import { INVITE_ORDER_FIELDS } from '../order-fields';
import { listPage } from './list';
import { copy, sameFolded, type InmemTables } from './tables';

export class InmemInviteStore implements InviteStore {
  constructor(private readonly t: InmemTables) {}

  async newInvite(input: NewInvite): Promise<Invite> {
    for (const other of this.t.invites.values()) {
      if (sameFolded(other.email, input.email) || other.token_hash === input.token_hash) {
        throw new AlreadyExistsError('Invite', 0);
      }
    }
    const now = new Date();
    const invite: Invite = { ...copy(input), id: this.t.inviteIds.nextId(), created_at: now, updated_at: now };
    this.t.invites.set(invite.id, invite);
    return copy(invite);
  }

  async listInvites(opts: ListOptions): Promise<Invite[]> {
    return copy(listPage(this.t.invites.values(), opts, INVITE_ORDER_FIELDS));
  }

  async invite(id: number): Promise<Invite> {
    const invite = this.t.invites.get(id);
    if (!invite) throw new NotFoundError('invites', id);
    return copy(invite);
  }

  async inviteByTokenHash(tokenHash: string): Promise<Invite | null> {
    return this.findBy((i) => i.token_hash === tokenHash);
  }

  async inviteByEmail(email: string): Promise<Invite | null> {
    return this.findBy((i) => sameFolded(i.email, email));
  }

  async deleteInvite(id: number): Promise<void> {
    if (!this.t.invites.delete(id)) throw new NotFoundError('invites', id);
  }

  private findBy(match: (i: Invite) => boolean): Invite | null {
    for (const i of this.t.invites.values()) if (match(i)) return copy(i);
    return null;
  }
}
