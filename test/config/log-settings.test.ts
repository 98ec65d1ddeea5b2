// The osquery log plugin settings (spec §11.2): Fleet's names, defaults and "" = filesystem.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { defaultConfig } from '../../internal/config/config';
import { ConfigError, dumpConfig, loadConfig, registerConfigFlags } from '../../internal/config/load-config';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-log-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yamlFile(text: string): string {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, text);
  return path;
}

function flagsFrom(...argv: string[]): Record<string, unknown> {
  const command = registerConfigFlags(new Command().exitOverride());
  command.parse(argv, { from: 'user' });
  return command.opts();
}

describe('osquery log settings', () => {
  it("has Fleet's defaults", () => {
    const config = defaultConfig();
    expect(config.osquery).toMatchObject({ status_log_plugin: 'filesystem', result_log_plugin: 'filesystem' });
    expect(config.filesystem).toEqual({
      status_log_file: '/tmp/osquery_status',
      result_log_file: '/tmp/osquery_result',
      enable_log_rotation: false,
      enable_log_compression: false,
      max_size_mb: 500,
      max_backups: 3,
      flush_interval_seconds: 0,
    });
  });

  it("reads Fleet's YAML keys", () => {
    const { config, warnings } = loadConfig({
      configFile: yamlFile(`
osquery:
  status_log_plugin: stdout
  result_log_plugin: filesystem
filesystem:
  status_log_file: /var/log/osquery/status.log
  result_log_file: /var/log/osquery/result.log
  enable_log_rotation: true
  enable_log_compression: true
  max_size_mb: 100
  max_backups: 7
  flush_interval: 2s
`),
    });
    expect(warnings).toEqual([]);
    expect(config.osquery).toMatchObject({ status_log_plugin: 'stdout', result_log_plugin: 'filesystem' });
    expect(config.filesystem).toEqual({
      status_log_file: '/var/log/osquery/status.log',
      result_log_file: '/var/log/osquery/result.log',
      enable_log_rotation: true,
      enable_log_compression: true,
      max_size_mb: 100,
      max_backups: 7,
      flush_interval_seconds: 2,
    });
  });

  it('reads the FLEET_ environment variables derived from the keys', () => {
    const { config } = loadConfig({
      env: {
        FLEET_OSQUERY_STATUS_LOG_PLUGIN: 'stdout',
        FLEET_OSQUERY_RESULT_LOG_PLUGIN: 'STDOUT',
        FLEET_FILESYSTEM_STATUS_LOG_FILE: '/s',
        FLEET_FILESYSTEM_RESULT_LOG_FILE: '/r',
        FLEET_FILESYSTEM_ENABLE_LOG_ROTATION: 'true',
        FLEET_FILESYSTEM_ENABLE_LOG_COMPRESSION: '1',
        FLEET_FILESYSTEM_MAX_SIZE_MB: '10',
        FLEET_FILESYSTEM_MAX_BACKUPS: '2',
        FLEET_FILESYSTEM_FLUSH_INTERVAL: '1',
      },
    });
    expect(config.osquery).toMatchObject({ status_log_plugin: 'stdout', result_log_plugin: 'stdout' });
    expect(config.filesystem).toEqual({
      status_log_file: '/s',
      result_log_file: '/r',
      enable_log_rotation: true,
      enable_log_compression: true,
      max_size_mb: 10,
      max_backups: 2,
      flush_interval_seconds: 1,
    });
  });

  it('reads the flags', () => {
    const { config } = loadConfig({
      flags: flagsFrom('--osquery-result-log-plugin', 'stdout', '--filesystem-result-log-file', '/x', '--filesystem-enable-log-rotation'),
    });
    expect(config.osquery.result_log_plugin).toBe('stdout');
    expect(config.filesystem.result_log_file).toBe('/x');
    expect(config.filesystem.enable_log_rotation).toBe(true);
  });

  it('reads an empty plugin name as filesystem, as Fleet does', () => {
    const { config } = loadConfig({ configFile: yamlFile('osquery: {status_log_plugin: "", result_log_plugin: " "}') });
    expect(config.osquery).toMatchObject({ status_log_plugin: 'filesystem', result_log_plugin: 'filesystem' });
    // An empty variable counts as unset: the default, which is filesystem too.
    expect(loadConfig({ env: { FLEET_OSQUERY_STATUS_LOG_PLUGIN: '' } }).config.osquery.status_log_plugin).toBe('filesystem');
  });

  it.each<[string, () => unknown, RegExp]>([
    ['unknown plugin', () => loadConfig({ env: { FLEET_OSQUERY_STATUS_LOG_PLUGIN: 'syslog' } }), /osquery\.status_log_plugin "syslog" from environment variable FLEET_OSQUERY_STATUS_LOG_PLUGIN: expected one of filesystem, stdout$/],
    ['Fleet plugin not supported here', () => loadConfig({ flags: flagsFrom('--osquery-result-log-plugin', 'firehose') }), /expected one of filesystem, stdout \(Fleet's other plugins are not supported\)/],
    ['empty file path', () => loadConfig({ configFile: yamlFile('filesystem: {result_log_file: ""}') }), /filesystem\.result_log_file "" .*must not be empty/],
    ['zero backups', () => loadConfig({ env: { FLEET_FILESYSTEM_MAX_BACKUPS: '0' } }), /FLEET_FILESYSTEM_MAX_BACKUPS: must be at least 1/],
    ['zero size', () => loadConfig({ env: { FLEET_FILESYSTEM_MAX_SIZE_MB: '0' } }), /FLEET_FILESYSTEM_MAX_SIZE_MB: must be at least 1/],
    ['long flush interval', () => loadConfig({ env: { FLEET_FILESYSTEM_FLUSH_INTERVAL: '5m' } }), /FLEET_FILESYSTEM_FLUSH_INTERVAL: must be at most 60/],
    ['non-boolean rotation', () => loadConfig({ env: { FLEET_FILESYSTEM_ENABLE_LOG_ROTATION: 'sometimes' } }), /expected a boolean/],
  ])('rejects %s', (_name, fn, message) => {
    let caught: unknown;
    try {
      fn();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
  });

  it("dumps Fleet's layout and round-trips", () => {
    const { config } = loadConfig({ env: { FLEET_OSQUERY_STATUS_LOG_PLUGIN: 'stdout', FLEET_FILESYSTEM_FLUSH_INTERVAL: '3s' } });
    const text = dumpConfig(config);
    const doc = parse(text);
    expect(doc.osquery.status_log_plugin).toBe('stdout');
    expect(doc.filesystem).toEqual({
      status_log_file: '/tmp/osquery_status',
      result_log_file: '/tmp/osquery_result',
      enable_log_rotation: false,
      enable_log_compression: false,
      max_size_mb: 500,
      max_backups: 3,
      flush_interval: '3s',
    });
    expect(loadConfig({ configFile: yamlFile(text) })).toEqual({ config, warnings: [] });
  });

  it('lists the flags in the help with their environment names', () => {
    const help = registerConfigFlags(new Command()).helpInformation();
    expect(help).toContain('--osquery-status-log-plugin <value>');
    expect(help).toContain('env FLEET_OSQUERY_STATUS_LOG_PLUGIN, default "filesystem"');
    expect(help).toContain('--filesystem-flush-interval <duration>');
    expect(help).toContain('env FLEET_FILESYSTEM_RESULT_LOG_FILE, default "/tmp/osquery_result"');
  });
});
