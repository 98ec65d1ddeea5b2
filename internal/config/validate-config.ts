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

  // Several processes must share their state: the embedded store serves one process, and
  // in-memory stores or in-process live queries would split it between workers.
  if (config.server.workers > 1) {
    const workers = `server.workers is ${config.server.workers} (from ${from(settingForField('server.workers'))})`;
    if (config.datastore !== 'postgres') {
      throw new ConfigError(
        `${workers} but datastore is ${config.datastore} (from ${from(settingForField('datastore'))}): ` +
          `several workers need datastore postgres (the ${config.datastore === 'embedded' ? 'embedded store serves one process' : 'in-memory store would give each worker its own data'}); ` +
          `set ${howToSet(settingForField('postgres.url'))}, or run one worker`,
      );
    }
    if (config.redis.url === '') {
      throw new ConfigError(
        `${workers} but redis.url is not set: several workers share live queries and cache invalidations through Redis; ` +
          `set ${howToSet(settingForField('redis.url'))}, or run one worker`,
      );
    }
  }
}
