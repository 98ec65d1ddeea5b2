// Every external name of a setting, derived from its dotted key so there is one source.
import { Option } from 'commander';
import type { Setting } from './settings';

export const ENV_PREFIX = 'FLEET_';
/** Kolide Fleet's prefix, still accepted with a deprecation warning. */
export const DEPRECATED_ENV_PREFIX = 'KOLIDE_';
export const CONFIG_PATH_ENV = `${ENV_PREFIX}CONFIG`;

/** "server.url_prefix" -> "SERVER_URL_PREFIX" (prefix not included). */
export function envSuffix(dotted: string): string {
  return dotted.replace(/\./g, '_').toUpperCase();
}

export function envName(s: Setting): string {
  return ENV_PREFIX + envSuffix(s.key);
}

/** "server.url_prefix" -> "server-url-prefix". */
export function flagName(dotted: string): string {
  return dotted.replace(/[._]/g, '-');
}

/** The property commander stores a flag's value under (its own camel-casing). */
export function flagAttribute(dotted: string): string {
  return new Option(`--${flagName(dotted)}`).attributeName();
}

/** Every dotted name a setting answers to, canonical first. */
export function dottedNames(s: Setting): readonly string[] {
  return [s.key, ...s.aliases];
}

/** "--server-cert, FLEET_SERVER_CERT or server.cert in the config file", for messages. */
export function howToSet(s: Setting): string {
  return `--${flagName(s.key)}, ${envName(s)} or ${s.key} in the config file`;
}
