export interface PendingEmailChange {
  id: number;
  user_id: number;
  token_hash: string;
  new_email: string;
}

export interface EmailChangeStore {
  /** Replaces any pending change of that user. */
  newPendingEmailChange(userId: number, newEmail: string, tokenHash: string): Promise<void>;
  /**
   * Applies the user's pending change with that token: sets the email, deletes the record,
   * returns the new email. NotFoundError when no such change of that user;
   * AlreadyExistsError when the address is now taken.
   */
  confirmPendingEmailChange(userId: number, tokenHash: string): Promise<string>;
}
