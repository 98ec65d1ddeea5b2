import { passwordMeetsComplexity, PASSWORD_COMPLEXITY_REASON } from '../internal/crypto/passwords';
import type { InvalidArgumentError } from '../internal/fleet';

/** Fleet's reason texts for user fields (validation_users.go), shared by the user services. */
export const MISSING = 'missing required argument';
export const EMPTY = 'cannot be empty';
export const REUSED_PASSWORD = 'cannot reuse old password';

/** absent → `missing required argument`; `""` → `cannot be empty`. Returns whether the value is usable. */
export function requireField(invalid: InvalidArgumentError, name: string, value: string | undefined): value is string {
  if (value === undefined || value === null) {
    invalid.append(name, MISSING);
    return false;
  }
  if (value === '') {
    invalid.append(name, EMPTY);
    return false;
  }
  return true;
}

/** A password being set: present, non-empty and meeting the complexity rule. */
export function requireNewPassword(invalid: InvalidArgumentError, name: string, value: string | undefined): void {
  if (requireField(invalid, name, value) && !passwordMeetsComplexity(value)) {
    invalid.append(name, PASSWORD_COMPLEXITY_REASON);
  }
}

/** An optional field that, when given, may not be empty (PATCH). */
export function notEmptyIfGiven(invalid: InvalidArgumentError, name: string, value: string | undefined): void {
  if (value === '') invalid.append(name, EMPTY);
}

/** Fleet compares and stores invite emails lower-cased; users' emails match case-insensitively. */
export function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Bytes of randomness in invite, reset and email-change tokens: at least 256 bits (policy). */
export function oneTimeTokenBytes(configured: number): number {
  return Math.max(32, configured);
}
