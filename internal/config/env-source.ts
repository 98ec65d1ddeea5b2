// Reads FLEET_<SECTION>_<KEY> variables, and Kolide's KOLIDE_ names with a warning.
import { CONFIG_PATH_ENV, DEPRECATED_ENV_PREFIX, ENV_PREFIX, dottedNames, envSuffix } from './names';
import type { RawValues, SourceResult } from './raw-value';
import { SETTINGS } from './settings';

export type Env = Readonly<Record<string, string | undefined>>;

export function readEnv(env: Env): SourceResult {
  const values: RawValues = new Map();
  const warnings: string[] = [];
  for (const setting of SETTINGS) {
    for (const dotted of dottedNames(setting)) {
      const current = envName(ENV_PREFIX, dotted);
      const deprecated = envName(DEPRECATED_ENV_PREFIX, dotted);
      const fleetValue = nonEmpty(env[current]);
      const kolideValue = nonEmpty(env[deprecated]);
      if (kolideValue !== undefined) {
        warnings.push(deprecationWarning(deprecated, current, fleetValue !== undefined));
      }
      // The canonical name beats aliases; FLEET_ beats KOLIDE_.
      if (values.has(setting)) continue;
      if (fleetValue !== undefined) {
        values.set(setting, { raw: fleetValue, origin: `environment variable ${current}` });
      } else if (kolideValue !== undefined) {
        values.set(setting, { raw: kolideValue, origin: `environment variable ${deprecated}` });
      }
    }
  }
  return { values, warnings };
}

/** The config file path from FLEET_CONFIG (or KOLIDE_CONFIG, with a warning). */
export function configPathFromEnv(env: Env, warnings: string[]): string | undefined {
  const current = CONFIG_PATH_ENV;
  const deprecated = DEPRECATED_ENV_PREFIX + CONFIG_PATH_ENV.slice(ENV_PREFIX.length);
  const fleetValue = nonEmpty(env[current]);
  const kolideValue = nonEmpty(env[deprecated]);
  if (kolideValue !== undefined) warnings.push(deprecationWarning(deprecated, current, fleetValue !== undefined));
  return fleetValue ?? kolideValue;
}

function envName(prefix: string, dotted: string): string {
  return prefix + envSuffix(dotted);
}

// Like Fleet (viper), an empty variable counts as unset.
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function deprecationWarning(deprecated: string, current: string, shadowed: boolean): string {
  const note = shadowed ? ` (${deprecated} is ignored because ${current} is also set)` : '';
  return `environment variable ${deprecated} is deprecated; use ${current} instead${note}`;
}
