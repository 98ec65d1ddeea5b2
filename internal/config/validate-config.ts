// Rules that span settings; single values were already checked while parsing.
import type { FleetConfig } from './config';
import { ConfigError } from './config-error';
import { getField } from './field-path';
import { howToSet } from './names';
import type { Setting } from './settings';
import { settingForField } from './settings';

/** Where each setting's final value came from; absent means the default. */
export type Provenance = ReadonlyMap<Setting, string>;

export function validateConfig(config: FleetConfig, provenance: Provenance): void {
  const from = (s: Setting): string => provenance.get(s) ?? 'the default';

  if (config.server.tls) {
    const missing = [settingForField('server.cert'), settingForField('server.key')].find(
      (s) => getField(config, s.field) === '',
    );
    if (missing !== undefined) {
      throw new ConfigError(
        `server.tls is enabled (from ${from(settingForField('server.tls'))}) but ${missing.key} is not set; ` +
          `set ${howToSet(missing)}, or disable TLS`,
      );
    }
  }

  if (config.datastore === 'postgres' && config.postgres.url === '') {
    const url = settingForField('postgres.url');
    throw new ConfigError(
      `datastore is postgres (from ${from(settingForField('datastore'))}) but postgres.url is not set; set ${howToSet(url)}`,
    );
  }
}
