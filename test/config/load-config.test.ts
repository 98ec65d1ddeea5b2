import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { defaultConfig } from '../../internal/config/config';
import { ConfigError, dumpConfig, loadConfig, registerConfigFlags } from '../../internal/config/load-config';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function yamlFile(text: string): string {
  const path = join(dir, `config-${++fileCount}.yml`);
  writeFileSync(path, text);
  return path;
}

/** Parses argv exactly as the CLI would and returns commander's options object. */
function flagsFrom(...argv: string[]): Record<string, unknown> {
  const command = registerConfigFlags(new Command().exitOverride());
  command.parse(argv, { from: 'user' });
  return command.opts();
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('precedence: defaults < file < env < flags', () => {
  it('uses the defaults when nothing is given', () => {
    expect(loadConfig({})).toEqual({ config: defaultConfig(), warnings: [] });
  });

  it('layers each source over the previous one, key by key', () => {
    const file = yamlFile(`
server:
  address: file:1
  url_prefix: /file
auth:
  bcrypt_cost: 5
logging:
  json: true
`);
    const { config, warnings } = loadConfig({
      env: { FLEET_CONFIG: file, FLEET_SERVER_ADDRESS: 'env:2', FLEET_AUTH_BCRYPT_COST: '6' },
      flags: flagsFrom('--server-address', 'flag:3'),
    });
    expect(warnings).toEqual([]);
    expect(config.server.address).toBe('flag:3'); // file, env and flag: flag wins
    expect(config.auth.bcrypt_cost).toBe(6); // file and env: env wins
    expect(config.server.url_prefix).toBe('/file'); // file only
    expect(config.logging.json).toBe(true);
    expect(config.logging.debug).toBe(false); // default
  });

  it('takes the file path from --config over FLEET_CONFIG, and configFile over both', () => {
    const a = yamlFile('server: {address: "a:1"}');
    const b = yamlFile('server: {address: "b:1"}');
    const c = yamlFile('server: {address: "c:1"}');
    expect(loadConfig({ env: { FLEET_CONFIG: a } }).config.server.address).toBe('a:1');
    expect(loadConfig({ env: { FLEET_CONFIG: a }, flags: flagsFrom('--config', b) }).config.server.address).toBe('b:1');
    expect(loadConfig({ env: { FLEET_CONFIG: a }, flags: flagsFrom('--config', b), configFile: c }).config.server.address).toBe('c:1');
  });

  it('reads every kind of value from the file with Fleet names', () => {
    const file = yamlFile(`
datastore: inmem
server: {tls: true, cert: /c.pem, key: /k.pem, max_body_bytes: 2048}
session: {duration: 2160h, key_size: 64}
app: {invite_token_validity_period: 120h}
osquery: {host_identifier: uuid, detail_update_interval: 30m, label_update_interval: 90}
redis: {address: "cache:6379"}
`);
    const { config } = loadConfig({ configFile: file });
    expect(config.datastore).toBe('inmem');
    expect(config.server).toMatchObject({ tls: true, cert: '/c.pem', key: '/k.pem', max_body_bytes: 2048 });
    expect(config.session).toEqual({ duration_seconds: 2160 * 3600, key_size: 64 });
    expect(config.app.invite_token_validity_seconds).toBe(120 * 3600);
    expect(config.osquery).toMatchObject({ host_identifier: 'uuid', detail_update_interval_seconds: 1800, label_update_interval_seconds: 90 });
    expect(config.redis.url).toBe('redis://cache:6379');
  });

  it('reads every documented environment variable', () => {
    const { config } = loadConfig({
      env: {
        FLEET_DATASTORE: 'postgres',
        FLEET_POSTGRES_URL: 'postgres://u:p@db/fleet',
        FLEET_EMBEDDED_DIR: '/data',
        FLEET_REDIS_URL: 'redis://r:6379',
        FLEET_SERVER_ADDRESS: '127.0.0.1:9000',
        FLEET_SERVER_TLS: 'true',
        FLEET_SERVER_CERT: '/c',
        FLEET_SERVER_KEY: '/k',
        FLEET_SERVER_URL_PREFIX: '/fleet',
        FLEET_SESSION_DURATION: '1h',
        FLEET_LOGGING_JSON: '1',
        FLEET_LOGGING_DEBUG: 'TRUE',
        FLEET_AUTH_BCRYPT_COST: '4',
        FLEET_OSQUERY_HOST_IDENTIFIER: 'hostname',
        FLEET_OSQUERY_DETAIL_UPDATE_INTERVAL: '10m',
        FLEET_OSQUERY_LABEL_UPDATE_INTERVAL: '20m',
        FLEET_APP_INVITE_TOKEN_VALIDITY_PERIOD: '48h',
      },
    });
    expect(config).toMatchObject({
      datastore: 'postgres',
      postgres: { url: 'postgres://u:p@db/fleet' },
      embedded: { dir: '/data' },
      redis: { url: 'redis://r:6379' },
      server: { address: '127.0.0.1:9000', tls: true, cert: '/c', key: '/k', url_prefix: '/fleet' },
      session: { duration_seconds: 3600 },
      logging: { json: true, debug: true },
      auth: { bcrypt_cost: 4 },
      osquery: { host_identifier: 'hostname', detail_update_interval_seconds: 600, label_update_interval_seconds: 1200 },
      app: { invite_token_validity_seconds: 48 * 3600 },
    });
  });

  it('treats an empty environment variable as unset, as Fleet does', () => {
    expect(loadConfig({ env: { FLEET_SERVER_ADDRESS: '' } }).config.server.address).toBe(defaultConfig().server.address);
  });

  it("accepts Fleet's FLEET_REDIS_ADDRESS (host:port), FLEET_REDIS_URL winning", () => {
    expect(loadConfig({ env: { FLEET_REDIS_ADDRESS: 'localhost:6379' } }).config.redis.url).toBe('redis://localhost:6379');
    const both = loadConfig({ env: { FLEET_REDIS_ADDRESS: 'a:1', FLEET_REDIS_URL: 'redis://b:2' } });
    expect(both.config.redis.url).toBe('redis://b:2');
    expect(loadConfig({ flags: flagsFrom('--redis-address', 'c:3') }).config.redis.url).toBe('redis://c:3');
  });

  it('selects postgres when only a postgres URL is given, but not over an explicit datastore', () => {
    expect(loadConfig({ flags: flagsFrom('--postgres-url', 'postgres://db/x') }).config.datastore).toBe('postgres');
    const explicit = loadConfig({ env: { FLEET_POSTGRES_URL: 'postgres://db/x' }, flags: flagsFrom('--datastore', 'inmem') });
    expect(explicit.config.datastore).toBe('inmem');
  });
});

describe('deprecated KOLIDE_ variables', () => {
  it('accepts them with a warning naming the FLEET_ variable', () => {
    const { config, warnings } = loadConfig({ env: { KOLIDE_SERVER_ADDRESS: 'old:1', KOLIDE_LOGGING_JSON: 'true' } });
    expect(config.server.address).toBe('old:1');
    expect(config.logging.json).toBe(true);
    expect(warnings).toEqual([
      'environment variable KOLIDE_SERVER_ADDRESS is deprecated; use FLEET_SERVER_ADDRESS instead',
      'environment variable KOLIDE_LOGGING_JSON is deprecated; use FLEET_LOGGING_JSON instead',
    ]);
  });

  it('lets FLEET_ win when both are set, and says the KOLIDE_ one is ignored', () => {
    const { config, warnings } = loadConfig({ env: { KOLIDE_SERVER_ADDRESS: 'old:1', FLEET_SERVER_ADDRESS: 'new:1' } });
    expect(config.server.address).toBe('new:1');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('use FLEET_SERVER_ADDRESS');
    expect(warnings[0]).toContain('ignored');
  });

  it('accepts KOLIDE_CONFIG and KOLIDE_REDIS_ADDRESS', () => {
    const file = yamlFile('server: {address: "k:1"}');
    const { config, warnings } = loadConfig({ env: { KOLIDE_CONFIG: file, KOLIDE_REDIS_ADDRESS: 'r:1' } });
    expect(config.server.address).toBe('k:1');
    expect(config.redis.url).toBe('redis://r:1');
    expect(warnings.join('\n')).toContain('use FLEET_CONFIG');
    expect(warnings.join('\n')).toContain('use FLEET_REDIS_ADDRESS');
  });
});

describe('flags', () => {
  it('declares one flag per setting, with no commander defaults', () => {
    const command = registerConfigFlags(new Command());
    const visible = command.options.filter((o) => !o.hidden).map((o) => o.long);
    expect(visible).toEqual(
      expect.arrayContaining([
        '--config', '--datastore', '--postgres-url', '--embedded-dir', '--redis-url', '--server-address',
        '--server-tls', '--server-cert', '--server-key', '--server-url-prefix', '--logging-json',
        '--logging-debug', '--session-duration', '--auth-bcrypt-cost', '--osquery-host-identifier',
        '--osquery-detail-update-interval', '--osquery-label-update-interval', '--app-invite-token-validity-period',
      ]),
    );
    expect(command.options.every((o) => o.defaultValue === undefined)).toBe(true);
    expect(command.opts()).toEqual({});
  });

  it('parses boolean flags bare or with a value', () => {
    const { config } = loadConfig({
      flags: flagsFrom('--logging-json', '--logging-debug=false', '--logging-disable-banner', 'yes'),
    });
    expect(config.logging).toEqual({ json: true, debug: false, disable_banner: true });
  });

  it('turns a flag off that the environment turned on', () => {
    const { config } = loadConfig({ env: { FLEET_LOGGING_JSON: 'true' }, flags: flagsFrom('--logging-json', 'false') });
    expect(config.logging.json).toBe(false);
  });

  it('mentions the environment variable and default in the help', () => {
    const help = registerConfigFlags(new Command()).helpInformation();
    expect(help).toContain('--session-duration <duration>');
    expect(help).toContain('env FLEET_SESSION_DURATION, default "2160h"');
    expect(help).not.toContain('--redis-address');
  });
});

describe('durations', () => {
  const session = (v: string) => loadConfig({ env: { FLEET_SESSION_DURATION: v } }).config.session.duration_seconds;

  it.each([
    ['2160h', 2160 * 3600],
    ['30s', 30],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['1m30s', 90],
    ['90000ms', 90],
    ['3600', 3600],
    ['0', 0],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(session(text)).toBe(seconds);
  });

  it('accepts integer seconds in YAML', () => {
    expect(loadConfig({ configFile: yamlFile('session: {duration: 60}') }).config.session.duration_seconds).toBe(60);
  });

  it.each([
    ['90d', 'use hours, e.g. "2160h"'],
    ['abc', 'is not a duration'],
    ['1x', 'is not a duration'],
    ['1h foo', 'is not a duration'],
    ['-1h', 'negative'],
    ['500ms', 'whole number of seconds'],
  ])('rejects %s', (text, reason) => {
    const err = configError(() => session(text));
    expect(err.message).toContain('environment variable FLEET_SESSION_DURATION');
    expect(err.message).toContain(reason);
  });

  it('rejects a zero interval where one is needed', () => {
    const err = configError(() => loadConfig({ flags: flagsFrom('--osquery-label-update-interval', '0s') }));
    expect(err.message).toMatch(/osquery\.label_update_interval .*flag --osquery-label-update-interval: must be at least 1/);
  });
});

describe('errors name their source', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['non-boolean env', () => loadConfig({ env: { FLEET_SERVER_TLS: 'maybe' } }), /server\.tls "maybe" from environment variable FLEET_SERVER_TLS: expected a boolean/],
    ['non-boolean file', () => loadConfig({ configFile: yamlFile('logging: {json: 3}') }), /logging\.json \(3\) from config file .*config-\d+\.yml key logging\.json: expected a boolean/],
    ['non-numeric flag', () => loadConfig({ flags: flagsFrom('--auth-bcrypt-cost', 'ten') }), /auth\.bcrypt_cost "ten" from flag --auth-bcrypt-cost: expected an integer/],
    ['fractional number in file', () => loadConfig({ configFile: yamlFile('postgres: {pool_size: 2.5}') }), /postgres\.pool_size \(2\.5\) .*key postgres\.pool_size: expected an integer/],
    ['out-of-range int', () => loadConfig({ env: { FLEET_AUTH_BCRYPT_COST: '99' } }), /FLEET_AUTH_BCRYPT_COST: must be at most 31/],
    ['unknown datastore (flag)', () => loadConfig({ flags: flagsFrom('--datastore', 'mysql') }), /datastore "mysql" from flag --datastore: expected one of embedded, inmem, postgres/],
    ['unknown datastore (file)', () => loadConfig({ configFile: yamlFile('datastore: sqlite') }), /datastore "sqlite" from config file .* key datastore/],
    ['unknown host identifier', () => loadConfig({ env: { FLEET_OSQUERY_HOST_IDENTIFIER: 'mac' } }), /FLEET_OSQUERY_HOST_IDENTIFIER: expected one of provided, instance, uuid, hostname/],
    ['bad duration flag', () => loadConfig({ flags: flagsFrom('--session-duration', '90d') }), /session\.duration "90d" from flag --session-duration/],
    ['url prefix without slash', () => loadConfig({ env: { FLEET_SERVER_URL_PREFIX: 'fleet' } }), /FLEET_SERVER_URL_PREFIX: must be empty or start with "\/"/],
    ['mapping where a value belongs', () => loadConfig({ configFile: yamlFile('server: {tls: {on: true}}') }), /key server\.tls: expected a boolean/],
    ['section that is not a mapping', () => loadConfig({ configFile: yamlFile('server: "0.0.0.0:8080"') }), /key server must be a mapping/],
    ['invalid YAML', () => loadConfig({ configFile: yamlFile('server: [unclosed') }), /config file .* is not valid YAML/],
    ['missing file', () => loadConfig({ configFile: join(dir, 'nope.yml') }), /cannot read config file .*nope\.yml/],
    ['TLS without cert', () => loadConfig({ env: { FLEET_SERVER_TLS: 'true', FLEET_SERVER_KEY: '/k' } }), /server\.tls is enabled \(from environment variable FLEET_SERVER_TLS\) but server\.cert is not set; set --server-cert, FLEET_SERVER_CERT or server\.cert in the config file/],
    ['TLS without key', () => loadConfig({ flags: flagsFrom('--server-tls', '--server-cert', '/c') }), /server\.tls is enabled \(from flag --server-tls\) but server\.key is not set/],
    ['postgres without url', () => loadConfig({ env: { FLEET_DATASTORE: 'postgres' } }), /datastore is postgres \(from environment variable FLEET_DATASTORE\) but postgres\.url is not set; set --postgres-url, FLEET_POSTGRES_URL/],
  ])('%s', (_name, fn, message) => {
    expect(configError(fn).message).toMatch(message);
  });

  it('warns about, but accepts, keys it does not know (Fleet files carry mysql.*)', () => {
    const { warnings } = loadConfig({ configFile: yamlFile('mysql: {address: "db:3306"}\nserver: {address: "x:1", tlsprofile: modern}\n') });
    expect(warnings).toEqual([
      expect.stringMatching(/unknown key mysql\.address ignored/),
      expect.stringMatching(/unknown key server\.tlsprofile ignored/),
    ]);
  });

  it('accepts an empty file and empty sections', () => {
    expect(loadConfig({ configFile: yamlFile('') }).config).toEqual(defaultConfig());
    expect(loadConfig({ configFile: yamlFile('server:\nlogging:\n') })).toEqual({ config: defaultConfig(), warnings: [] });
  });

  it('does not echo a secret in an error message', () => {
    const err = configError(() => loadConfig({ configFile: yamlFile('postgres: {url: [ "postgres://u:hunter2@db" ]}') }));
    expect(err.message).not.toContain('hunter2');
  });
});

describe('dumpConfig', () => {
  it("writes Fleet's layout with Go durations", () => {
    const doc = parse(dumpConfig(defaultConfig()));
    expect(doc.session).toEqual({ key_size: 32, duration: '2160h' });
    expect(doc.app.invite_token_validity_period).toBe('120h');
    expect(doc.osquery.detail_update_interval).toBe('1h');
    expect(doc.datastore).toBe('embedded');
  });

  it('masks passwords in URLs', () => {
    const config = defaultConfig();
    config.datastore = 'postgres';
    config.postgres.url = 'postgres://fleet:hunter2@db:5432/fleet?sslmode=require&password=hunter3';
    config.redis.url = 'redis://:s3cret@cache:6379/0';
    const text = dumpConfig(config);
    expect(text).not.toMatch(/hunter2|hunter3|s3cret/);
    const doc = parse(text);
    expect(doc.postgres.url).toBe('postgres://fleet:********@db:5432/fleet?sslmode=require&password=********');
    expect(doc.redis.url).toBe('redis://:********@cache:6379/0');
  });

  it('round-trips through loadConfig', () => {
    const { config } = loadConfig({
      env: { FLEET_SESSION_DURATION: '1h30m', FLEET_SERVER_URL_PREFIX: '/p', FLEET_DATASTORE: 'inmem', FLEET_LOGGING_JSON: 'true' },
    });
    const reloaded = loadConfig({ configFile: yamlFile(dumpConfig(config)) });
    expect(reloaded).toEqual({ config, warnings: [] });
  });
});
