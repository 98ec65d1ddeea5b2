/**
 * Builds the FleetConfig from defaults < YAML file < environment < flags.
 * Every source speaks the names of the one table in settings.ts.
 */
import { defaultConfig, type FleetConfig } from './config';
import { configPathFromEnv, readEnv, type Env } from './env-source';
import { setField } from './field-path';
import { readConfigFile } from './file-source';
import { CONFIG_FLAG_ATTRIBUTE, readFlags, type Flags } from './flag-source';
import { parseValue } from './parse-value';
import type { RawValues } from './raw-value';
import type { Setting } from './settings';
import { validateConfig } from './validate-config';

export { ConfigError } from './config-error';
export { registerConfigFlags } from './register-flags';
export { dumpConfig } from './dump-config';

export interface LoadConfigInput {
  /** The options object commander parsed from registerConfigFlags' flags. */
  flags?: Flags;
  env?: Env;
  /** A config file path that overrides --config and FLEET_CONFIG. */
  configFile?: string;
}

export interface LoadedConfig {
  config: FleetConfig;
  /** Non-fatal notes for the operator: deprecated names, unknown file keys. */
  warnings: string[];
}

/** Throws ConfigError, naming the offending flag, variable or file key, on bad input. */
export function loadConfig(input: LoadConfigInput = {}): LoadedConfig {
  const flags = input.flags ?? {};
  const env = input.env ?? {};
  const warnings: string[] = [];

  const envPath = configPathFromEnv(env, warnings);
  const flagPath = flags[CONFIG_FLAG_ATTRIBUTE];
  const path = input.configFile ?? (typeof flagPath === 'string' ? flagPath : undefined) ?? envPath;
  const file = path === undefined ? undefined : readConfigFile(path);
  const fromEnv = readEnv(env);
  warnings.push(...(file?.warnings ?? []), ...fromEnv.warnings);

  const config = defaultConfig();
  const provenance = new Map<Setting, string>();
  // Later layers overwrite earlier ones: flags win.
  for (const layer of [file?.values, fromEnv.values, readFlags(flags)]) {
    if (layer !== undefined) apply(config, layer, provenance);
  }
  inferDatastore(config, provenance);
  validateConfig(config, provenance);
  return { config, warnings };
}

function apply(config: FleetConfig, values: RawValues, provenance: Map<Setting, string>): void {
  for (const [setting, { raw, origin }] of values) {
    setField(config, setting.field, parseValue(setting, raw, origin));
    provenance.set(setting, origin);
  }
}

// A Postgres URL with no explicit store means Postgres (`--postgres-url` alone suffices).
function inferDatastore(config: FleetConfig, provenance: Map<Setting, string>): void {
  const explicit = [...provenance.keys()].some((s) => s.field === 'datastore');
  if (!explicit && config.postgres.url !== '') config.datastore = 'postgres';
}
