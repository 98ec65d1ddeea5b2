import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A JSON object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface RecordLimits {
  maxEntries: number;
  maxKeyLength: number;
}

/** Why a JSON object of `name → value` breaks the rules, or null. */
function recordProblem(
  value: unknown,
  limits: RecordLimits,
  checkValue: (v: unknown) => string | null,
): string | null {
  if (!isPlainObject(value)) return 'must be an object';
  const entries = Object.entries(value);
  if (entries.length > limits.maxEntries) return `must have at most ${limits.maxEntries} entries`;
  for (const [key, v] of entries) {
    if (key === '') return 'names must not be empty';
    if (key.length > limits.maxKeyLength) return `names must be at most ${limits.maxKeyLength} characters`;
    const problem = checkValue(v);
    if (problem) return `${key}: ${problem}`;
  }
  return null;
}

/** An object of name → string (e.g. `additional_queries`: query name → SQL). */
export function IsStringRecord(limits: RecordLimits & { maxValueLength: number }, options?: ValidationOptions) {
  const check = (v: unknown) =>
    typeof v !== 'string'
      ? 'must be a string'
      : v.length > limits.maxValueLength
        ? `must be at most ${limits.maxValueLength} characters`
        : null;
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value) => recordProblem(value, limits, check) === null,
        defaultMessage: (args) => recordProblem(args?.value, limits, check) ?? 'is invalid',
      },
    },
    options,
  );
}

/** An object of name → JSON object (e.g. osquery option overrides per platform). */
export function IsObjectRecord(limits: RecordLimits, options?: ValidationOptions) {
  const check = (v: unknown) => (isPlainObject(v) ? null : 'must be an object');
  return ValidateBy(
    {
      name: 'isObjectRecord',
      validator: {
        validate: (value) => recordProblem(value, limits, check) === null,
        defaultMessage: (args) => recordProblem(args?.value, limits, check) ?? 'is invalid',
      },
    },
    options,
  );
}
