// `fleet config dump`: the effective configuration as a YAML file loadConfig can read back.
import { stringify } from 'yaml';
import type { FleetConfig } from './config';
import { getField } from './field-path';
import { formatValue } from './format-value';
import { SETTINGS } from './settings';

/** YAML in Fleet's key layout, durations in Go syntax, secrets masked. */
export function dumpConfig(config: FleetConfig): string {
  const doc: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const parts = setting.key.split('.');
    const leaf = parts.pop()!;
    let node = doc;
    for (const part of parts) node = (node[part] ??= {}) as Record<string, unknown>;
    node[leaf] = formatValue(setting, getField(config, setting.field));
  }
  return stringify(doc);
}
