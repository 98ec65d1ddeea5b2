import bcrypt from 'bcrypt';
import { createHash, randomBytes } from 'node:crypto';

export const PASSWORD_COMPLEXITY_REASON = 'password does not meet validation requirements';

/**
 * Fleet's rule: at least 7 bytes (UTF-8), a Unicode number and a Unicode punctuation
 * or symbol character.
 */
export function passwordMeetsComplexity(password: string): boolean {
  return (
    Buffer.byteLength(password, 'utf8') >= 7 && /\p{N}/u.test(password) && /[\p{P}\p{S}]/u.test(password)
  );
}

export interface PasswordHasherOptions {
  cost: number;
  saltBytes: number;
}

/**
 * bcrypt over password ‖ salt with a fresh salt per password, as Fleet stores it — but
 * pre-hashed with SHA-256 first: bcrypt ignores input past 72 bytes, which would drop the
 * salt and the end of any long password.
 */
export class PasswordHasher {
  constructor(private readonly opts: PasswordHasherOptions) {}

  async hash(password: string): Promise<{ password_hash: string; salt: string }> {
    const salt = randomBytes(this.opts.saltBytes).toString('base64');
    const password_hash = await bcrypt.hash(prehash(password, salt), this.opts.cost);
    return { password_hash, salt };
  }

  async verify(password: string, hash: string, salt: string): Promise<boolean> {
    if (!hash) return false;
    return bcrypt.compare(prehash(password, salt), hash);
  }

  /** Random password for SSO users, who never log in with one. */
  randomPassword(): string {
    return randomBytes(14).toString('base64');
  }
}

function prehash(password: string, salt: string): string {
  return createHash('sha256').update(password + salt, 'utf8').digest('base64');
}
