import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { defaultConfig, type FleetConfig } from '../../internal/config/config';
import { createLogWriters } from '../../internal/logwriter/create-log-writers';
import { FilesystemLogWriter } from '../../internal/logwriter/filesystem-writer';
import { StdoutLogWriter } from '../../internal/logwriter/stdout-writer';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('fleet-logwriters');
const logger = { debug() {}, info() {}, warn() {}, error() {} };

function configIn(dir: string, edit: (c: FleetConfig) => void = () => undefined): FleetConfig {
  const c = defaultConfig();
  c.filesystem.status_log_file = join(dir, 'osquery_status');
  c.filesystem.result_log_file = join(dir, 'osquery_result');
  edit(c);
  return c;
}

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogWriters', () => {
  it('opens both files by default and routes each log to its own', async () => {
    const dir = tempDir();
    const writers = await createLogWriters(configIn(dir), logger);
    expect(writers.status).toBeInstanceOf(FilesystemLogWriter);
    await writers.status.write(['{"s":1}']);
    await writers.result.write(['{"r":1}']);
    await writers.close();
    expect(readFileSync(join(dir, 'osquery_status'), 'utf8')).toBe('{"s":1}\n');
    expect(readFileSync(join(dir, 'osquery_result'), 'utf8')).toBe('{"r":1}\n');
  });

  it('chooses the plugin per log', async () => {
    const dir = tempDir();
    const out = sink();
    const writers = await createLogWriters(configIn(dir, (c) => (c.osquery.result_log_plugin = 'stdout')), logger, { stdout: out.stream });
    expect(writers.status).toBeInstanceOf(FilesystemLogWriter);
    expect(writers.result).toBeInstanceOf(StdoutLogWriter);
    await writers.result.write(['{"r":1}']);
    await writers.close();
    expect(out.text()).toBe('{"r":1}\n');
    expect(readdirSync(dir)).toEqual(['osquery_status']);
  });

  it('treats an empty plugin name in a hand-built config as filesystem', async () => {
    const dir = tempDir();
    const c = configIn(dir);
    (c.osquery as { status_log_plugin: string }).status_log_plugin = '';
    const writers = await createLogWriters(c, logger);
    expect(writers.status).toBeInstanceOf(FilesystemLogWriter);
    await writers.close();
  });

  it('shares one writer when both logs name the same file', async () => {
    const dir = tempDir();
    const writers = await createLogWriters(
      configIn(dir, (c) => (c.filesystem.result_log_file = join(dir, '.', 'osquery_status'))),
      logger,
    );
    expect(writers.result).toBe(writers.status);
    await Promise.all([writers.status.write(['{"s":1}']), writers.result.write(['{"r":1}'])]);
    await writers.close();
    expect(readFileSync(join(dir, 'osquery_status'), 'utf8')).toBe('{"s":1}\n{"r":1}\n');
  });

  it('fails at start with the path, the reason and the setting to fix', async () => {
    const dir = tempDir();
    const bad = join(dir, 'missing', 'osquery_result');
    await expect(createLogWriters(configIn(dir, (c) => (c.filesystem.result_log_file = bad)), logger)).rejects.toThrow(
      `osquery result log: cannot open log file ${bad}: directory ${join(dir, 'missing')} does not exist ` +
        '(set --filesystem-result-log-file, FLEET_FILESYSTEM_RESULT_LOG_FILE or filesystem.result_log_file in the config file)',
    );
  });

  it('rotates only when rotation is enabled (the SIGHUP action)', async () => {
    const plain = join(tempDir(), 'plain');
    mkdirSync(plain);
    const off = await createLogWriters(configIn(plain), logger);
    await off.status.write(['{"s":1}']);
    await off.rotate();
    await off.close();
    expect(readdirSync(plain).sort()).toEqual(['osquery_result', 'osquery_status']);

    const rotating = join(tempDir(), 'rot');
    mkdirSync(rotating);
    const on = await createLogWriters(configIn(rotating, (c) => (c.filesystem.enable_log_rotation = true)), logger);
    await on.status.write(['{"s":1}']);
    await on.result.write(['{"r":1}']);
    await on.rotate();
    await on.close();
    expect(readdirSync(rotating).sort()).toEqual(['osquery_result', 'osquery_result.1', 'osquery_status', 'osquery_status.1']);
  });
});
