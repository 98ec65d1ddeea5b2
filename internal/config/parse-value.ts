// Turns a raw value from any source (string from env/flags, scalar from YAML) into the
// typed value of a setting, or a ConfigError naming where the value came from.
import { ConfigError } from './config-error';
import { parseDurationSeconds } from './duration';
import { maskUrlPassword } from './mask';
import type { ConfigValue } from './field-path';
import type { Setting } from './settings';

// Go's strconv.ParseBool set (what Fleet's viper accepts), case-insensitively.
const TRUE = new Set(['1', 't', 'true', 'y', 'yes', 'on']);
const FALSE = new Set(['0', 'f', 'false', 'n', 'no', 'off']);

export function parseValue(setting: Setting, raw: unknown, origin: string): ConfigValue {
  const result = parseByKind(setting, raw);
  if (typeof result === 'object') {
    throw new ConfigError(`invalid ${setting.key} ${describe(setting, raw)} from ${origin}: ${result.reason}`);
  }
  const reason = checkRange(setting, result);
  if (reason !== undefined) {
    throw new ConfigError(`invalid ${setting.key} ${describe(setting, raw)} from ${origin}: ${reason}`);
  }
  return result;
}

type Parsed = ConfigValue | { reason: string };

function parseByKind(setting: Setting, raw: unknown): Parsed {
  switch (setting.kind) {
    case 'string':
      return parseString(setting, raw);
    case 'int':
      return parseInt(raw);
    case 'bool':
      return parseBool(raw);
    case 'duration':
      return parseDuration(raw);
    case 'enum':
      return parseEnum(setting, raw);
  }
}

function parseString(setting: Setting, raw: unknown): Parsed {
  // YAML turns `address: 8080` into a number; a string setting still means the text.
  if (typeof raw !== 'string' && typeof raw !== 'number') return { reason: 'expected a string' };
  const text = String(raw);
  const reason = setting.check?.(text);
  if (reason !== undefined) return { reason };
  return setting.normalize ? setting.normalize(text) : text;
}

function parseInt(raw: unknown): Parsed {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim())) {
    const n = Number(raw.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  return { reason: 'expected an integer' };
}

function parseBool(raw: unknown): Parsed {
  if (typeof raw === 'boolean') return raw;
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : undefined;
  if (text !== undefined && TRUE.has(text)) return true;
  if (text !== undefined && FALSE.has(text)) return false;
  return { reason: 'expected a boolean (true or false)' };
}

function parseDuration(raw: unknown): Parsed {
  if (typeof raw === 'number') {
    return Number.isSafeInteger(raw) && raw >= 0 ? raw : { reason: 'expected whole, non-negative seconds' };
  }
  if (typeof raw !== 'string') return { reason: 'expected a duration like "30s", "1h30m" or integer seconds' };
  const parsed = parseDurationSeconds(raw);
  return typeof parsed === 'number' ? parsed : { reason: parsed };
}

function parseEnum(setting: Setting, raw: unknown): Parsed {
  const choices = setting.choices ?? [];
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (text !== undefined && choices.includes(text)) return text;
  return { reason: `expected one of ${choices.join(', ')}` };
}

function checkRange(setting: Setting, value: ConfigValue): string | undefined {
  if (typeof value !== 'number') return undefined;
  if (setting.min !== undefined && value < setting.min) return `must be at least ${setting.min}`;
  if (setting.max !== undefined && value > setting.max) return `must be at most ${setting.max}`;
  return undefined;
}

/** Quotes the offending value for the message, never echoing a secret in full. */
function describe(setting: Setting, raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(setting.secret ? maskUrlPassword(raw) : raw);
  if (setting.secret) return `(${typeof raw})`;
  return `(${typeof raw === 'object' ? JSON.stringify(raw) : String(raw)})`;
}
