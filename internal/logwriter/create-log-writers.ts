/**
 * Builds the status and result writers from the config (spec §11.2): each chooses its
 * plugin independently; a writer that cannot open stops the server at start.
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { FleetConfig, OsqueryLogPlugin } from '../config/config';
import { howToSet } from '../config/names';
import { settingForField } from '../config/settings';
import type { Logger } from '../logging';
import { FilesystemLogWriter, type FilesystemLogWriterOptions } from './filesystem-writer';
import type { OsqueryLogWriter } from './log-writer';
import { StdoutLogWriter } from './stdout-writer';

export interface LogWriters {
  status: OsqueryLogWriter;
  result: OsqueryLogWriter;
  /** The SIGHUP action: rotates the files that have rotation enabled; otherwise a no-op. */
  rotate(): Promise<void>;
  close(): Promise<void>;
}

export interface LogWriterDeps {
  /** Where the stdout plugin writes; process.stdout by default. */
  stdout?: Writable;
}

type Kind = 'status' | 'result';

export async function createLogWriters(config: FleetConfig, logger: Logger, deps: LogWriterDeps = {}): Promise<LogWriters> {
  const files: FilesystemLogWriter[] = [];
  const open = async (kind: Kind): Promise<OsqueryLogWriter> => {
    const plugin = pluginOf(config, kind);
    if (plugin === 'stdout') {
      logger.info(`osquery ${kind} logs go to stdout`);
      return new StdoutLogWriter(deps.stdout);
    }
    const path = config.filesystem[`${kind}_log_file`];
    // Both logs in one file: share one writer, or two would rotate it under each other.
    const same = files.find((f) => resolve(f.path) === resolve(path));
    if (same !== undefined) return same;
    const writer = await openFile(config, kind, path, logger);
    files.push(writer);
    logger.info(`osquery ${kind} logs go to ${path}`, { rotation: config.filesystem.enable_log_rotation });
    return writer;
  };

  const opened: OsqueryLogWriter[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all([...new Set(opened)].map((w) => w.close()));
  };
  try {
    opened.push(await open('status'));
    opened.push(await open('result'));
  } catch (err) {
    await closeAll();
    throw err;
  }
  const [status, result] = opened as [OsqueryLogWriter, OsqueryLogWriter];
  const rotating = config.filesystem.enable_log_rotation ? files : [];
  return {
    status,
    result,
    rotate: async () => {
      await Promise.all(rotating.map((f) => f.rotate()));
    },
    close: closeAll,
  };
}

function pluginOf(config: FleetConfig, kind: Kind): OsqueryLogPlugin {
  const plugin: string = config.osquery[`${kind}_log_plugin`];
  // Fleet reads "" as filesystem; the config loader already normalises, this covers hand-built configs.
  return plugin === 'stdout' ? 'stdout' : 'filesystem';
}

async function openFile(config: FleetConfig, kind: Kind, path: string, logger: Logger): Promise<FilesystemLogWriter> {
  const fs = config.filesystem;
  const options: FilesystemLogWriterOptions = {
    logger,
    lingerMs: fs.flush_interval_seconds * 1000,
    rotation: fs.enable_log_rotation
      ? { maxBytes: fs.max_size_mb * 1024 * 1024, maxBackups: fs.max_backups, compress: fs.enable_log_compression }
      : undefined,
  };
  try {
    return await FilesystemLogWriter.open(path, options);
  } catch (err) {
    const setting = settingForField(`filesystem.${kind}_log_file`);
    throw new Error(`osquery ${kind} log: ${(err as Error).message} (set ${howToSet(setting)})`);
  }
}
