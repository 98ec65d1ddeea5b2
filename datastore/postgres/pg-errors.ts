import { QueryFailedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

function pgCode(err: unknown): string | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  const code: unknown = (err.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The violated unique index's name, or null when `err` is not a unique violation. */
export function uniqueViolation(err: unknown): string | null {
  if (pgCode(err) !== UNIQUE_VIOLATION) return null;
  const constraint: unknown = ((err as QueryFailedError).driverError as { constraint?: unknown }).constraint;
  return typeof constraint === 'string' ? constraint : '';
}

export function isForeignKeyViolation(err: unknown): boolean {
  return pgCode(err) === FOREIGN_KEY_VIOLATION;
}

/**
 * Drops the bound parameters TypeORM attaches to a failed query (they can hold password
 * hashes and token hashes) so an unexpected error can be logged safely.
 */
export function withoutParameters(err: unknown): unknown {
  if (err instanceof QueryFailedError) {
    (err as { parameters?: unknown[] }).parameters = undefined;
  }
  return err;
}
