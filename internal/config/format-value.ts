// The inverse of parse-value: a typed value as a person would write it in YAML or help.
import { formatDurationSeconds } from './duration';
import type { ConfigValue } from './field-path';
import { maskUrlPassword } from './mask';
import type { Setting } from './settings';

export function formatValue(setting: Setting, value: ConfigValue): ConfigValue {
  if (setting.kind === 'duration' && typeof value === 'number') return formatDurationSeconds(value);
  if (setting.secret === 'url-password' && typeof value === 'string') return maskUrlPassword(value);
  return value;
}
