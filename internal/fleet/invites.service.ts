import type { Invite } from './invites';
import type { ListOptions } from './list-options';

export interface CreateInviteInput {
  email: string;
  invited_by: number;
  admin: boolean;
  name?: string;
  position?: string;
  sso_enabled?: boolean;
}

export interface InviteService {
  createInvite(input: CreateInviteInput): Promise<Invite>;
  listInvites(opts: ListOptions): Promise<Invite[]>;
  deleteInvite(id: number): Promise<void>;
  /** NotFoundError / InvalidArgumentError('invite_token', 'Invite token has expired.'). */
  verifyInvite(token: string): Promise<Invite>;
}
