import type { ListOptions } from './list-options';

export interface Invite {
  id: number;
  created_at: Date;
  updated_at: Date;
  invited_by: number;
  email: string;
  admin: boolean;
  name: string;
  position: string;
  sso_enabled: boolean;
  /** SHA-256 of the invite token mailed to the invitee. Never serialised. */
  token_hash: string;
}

export type NewInvite = Omit<Invite, 'id' | 'created_at' | 'updated_at'>;

export const INVITE_ORDER_KEYS = ['id', 'created_at', 'updated_at', 'email', 'name', 'admin', 'invited_by'] as const;

export interface InviteStore {
  /** Throws AlreadyExistsError('Invite', 0) when an invite for that email is pending. */
  newInvite(invite: NewInvite): Promise<Invite>;
  listInvites(opts: ListOptions): Promise<Invite[]>;
  /** Throws NotFoundError('invites', id). */
  invite(id: number): Promise<Invite>;
  inviteByTokenHash(tokenHash: string): Promise<Invite | null>;
  inviteByEmail(email: string): Promise<Invite | null>;
  /** Throws NotFoundError('invites', id). */
  deleteInvite(id: number): Promise<void>;
}
