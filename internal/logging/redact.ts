// Keeps credentials out of logs: values under sensitive keys are replaced, at any depth.
import { format } from 'winston';

export const REDACTED = '[REDACTED]';

// Compared after normalising: camelCase and kebab-case become snake_case, lower-cased.
const SENSITIVE_KEYS = new Set([
  'authorization',
  'cookie',
  'set_cookie',
  'node_key',
  'enroll_secret',
  'api_key',
  'session_key',
  'private_key',
  'jwt',
]);

export function isSensitiveKey(key: string): boolean {
  const k = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
  return SENSITIVE_KEYS.has(k) || k.includes('password') || k.includes('secret') || k === 'token' || k.endsWith('_token');
}

/**
 * Returns a copy of `value` with sensitive values replaced. Plain objects and arrays are
 * walked; Errors become {name, message, stack} so they survive JSON; other objects
 * (Dates, Buffers) are kept as they are. Cycles are cut rather than followed.
 */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((v) => redact(v, seen));
  }
  if (value instanceof Error) {
    seen.add(value);
    // Own props (e.g. code) first; name, message and stack are not enumerable on Errors.
    return redactEntries({ ...(value as object), name: value.name, message: value.message, stack: value.stack }, seen);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  return redactEntries(value as Record<string, unknown>, seen);
}

function redactEntries(obj: Record<string, unknown>, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = isSensitiveKey(k) ? REDACTED : redact(v, seen);
  return out;
}

/**
 * Winston format applying redact to a log entry's metadata. Entries carry winston's
 * symbol keys (level, formatted message), so fields are rewritten in place.
 */
export const redactFormat = format((info) => {
  const seen = new WeakSet<object>([info]);
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = isSensitiveKey(key) ? REDACTED : redact(info[key], seen);
  }
  return info;
});
