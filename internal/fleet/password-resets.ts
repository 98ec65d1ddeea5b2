export interface PasswordResetRequest {
  id: number;
  user_id: number;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
}

export interface PasswordResetStore {
  newPasswordResetRequest(userId: number, tokenHash: string, expiresAt: Date): Promise<PasswordResetRequest>;
  passwordResetByTokenHash(tokenHash: string): Promise<PasswordResetRequest | null>;
  deletePasswordResetsForUser(userId: number): Promise<void>;
}
