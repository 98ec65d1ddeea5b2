/**
 * Appends log lines to a file as NDJSON, each write() durable (fdatasync) before it
 * resolves. Group commit keeps that affordable: write() only queues; one drain loop takes
 * everything queued, appends it with one write and syncs once, so requests arriving while
 * a sync is in flight share the next one (N concurrent /log requests ≈ 2 syncs, not N).
 *
 * Also, per batch: reopen the path when the file was moved or deleted (external
 * logrotate, an operator's mv), and with rotation enabled rotate before the file would
 * pass its size limit. Manual rotation (SIGHUP) goes through the same loop.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logging';
import { BackupRotator } from './backup-rotator';
import { describeFsError } from './fs-errors';
import { nodeLogFs, type FileIdentity, type LogFs } from './log-fs';
import type { OsqueryLogWriter } from './log-writer';
import { toNdjson } from './ndjson';

export interface RotationOptions {
  /** Rotate before a batch would take the file past this size (a lone oversized batch is still written). */
  maxBytes: number;
  /** Rotated files kept: <file>.1 … <file>.N. */
  maxBackups: number;
  /** Gzip rotated files in the background (<file>.N.gz). */
  compress: boolean;
}

export interface FilesystemLogWriterOptions {
  /** Absent: no rotation (an external logrotate may still move the file; it is reopened). */
  rotation?: RotationOptions;
  /** Extra wait before a sync to gather more writes, in ms; 0 = none. */
  lingerMs?: number;
  fs?: LogFs;
  logger?: Logger;
}

export interface FilesystemLogWriterStats {
  lines: number;
  batches: number;
  syncs: number;
  failedBatches: number;
  rotations: number;
  reopens: number;
}

interface Pending {
  /** Encoded in write(), so the drain loop only does I/O. */
  data: Buffer;
  lines: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class FilesystemLogWriter implements OsqueryLogWriter {
  readonly stats: FilesystemLogWriterStats = { lines: 0, batches: 0, syncs: 0, failedBatches: 0, rotations: 0, reopens: 0 };
  private queue: Pending[] = [];
  private rotationWaiters: Waiter[] = [];
  private draining: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private fd: number | null;
  private identity: FileIdentity;
  /** Bytes in the current file, for size rotation and to undo a failed batch. */
  private size: number;

  private constructor(
    readonly path: string,
    private readonly options: FilesystemLogWriterOptions,
    private readonly fs: LogFs,
    opened: { fd: number; identity: FileIdentity },
    private readonly rotator: BackupRotator | undefined,
  ) {
    this.fd = opened.fd;
    this.identity = opened.identity;
    this.size = opened.identity.size;
  }

  /**
   * Opens (creating, mode 0600) the file for appending. Throws with a plain reason when the
   * path is unusable, so a misconfigured path stops the server at start, as in Fleet.
   */
  static async open(path: string, options: FilesystemLogWriterOptions = {}): Promise<FilesystemLogWriter> {
    const fs = options.fs ?? nodeLogFs;
    await checkDirectory(path);
    let opened: { fd: number; identity: FileIdentity };
    try {
      opened = await openFile(fs, path);
    } catch (err) {
      throw new Error(`cannot open log file ${path}: ${describeFsError(err, path)}`);
    }
    const rotation = options.rotation;
    const rotator = rotation && new BackupRotator(path, rotation.maxBackups, rotation.compress, options.logger);
    await rotator?.adoptLeftovers();
    return new FilesystemLogWriter(path, options, fs, opened, rotator);
  }

  write(lines: readonly string[]): Promise<void> {
    if (this.closing !== null) return Promise.reject(new Error(`log file ${this.path} is closed`));
    if (lines.length === 0) return Promise.resolve();
    const data = Buffer.from(toNdjson(lines), 'utf8');
    return new Promise((resolve, reject) => {
      this.queue.push({ data, lines: lines.length, resolve, reject });
      this.kick();
    });
  }

  /** Rotates now (the SIGHUP action); needs rotation enabled. Housekeeping continues in the background. */
  rotate(): Promise<void> {
    if (this.closing !== null) return Promise.reject(new Error(`log file ${this.path} is closed`));
    if (this.rotator === undefined) return Promise.reject(new Error(`log rotation is not enabled for ${this.path}`));
    return new Promise((resolve, reject) => {
      this.rotationWaiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Resolves when background rotation housekeeping (shifting, gzip) is done. */
  async housekeepingIdle(): Promise<void> {
    await this.rotator?.idle();
  }

  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    while (this.draining !== null) await this.draining; // lines accepted before close are still written
    await this.dropFile();
    await this.rotator?.idle();
  }

  private kick(): void {
    if (this.draining !== null) return;
    const linger = this.options.lingerMs ?? 0;
    // Even with no linger, start on a later tick: writes issued in the same tick share a batch.
    const start = linger > 0 ? delay(linger) : Promise.resolve();
    this.draining = start
      .then(() => this.drain())
      .catch((err: unknown) => this.options.logger?.error('osquery log writer failed', { file: this.path, err: String(err) }))
      .finally(() => {
        this.draining = null;
        // Work queued after the loop's last look would otherwise wait for the next write.
        if (this.queue.length > 0 || this.rotationWaiters.length > 0) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 || this.rotationWaiters.length > 0) {
      const waiters = this.rotationWaiters;
      this.rotationWaiters = [];
      if (waiters.length > 0) await this.manualRotation(waiters);
      const batch = this.queue;
      this.queue = [];
      if (batch.length > 0) await this.commit(batch);
    }
  }

  private async manualRotation(waiters: Waiter[]): Promise<void> {
    try {
      await this.ensureCurrentFile();
      await this.rotateNow();
      for (const w of waiters) w.resolve();
    } catch (err) {
      const e = new Error(`cannot rotate log file ${this.path}: ${describeFsError(err, this.path)}`);
      for (const w of waiters) w.reject(e);
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const buffers = batch.map((p) => p.data);
    const bytes = buffers.reduce((n, b) => n + b.length, 0);
    try {
      await this.ensureCurrentFile();
      if (this.rotator !== undefined && this.identity.regular && this.size > 0 && this.size + bytes > this.options.rotation!.maxBytes) {
        await this.rotateForSize();
      }
      await this.append(buffers, bytes);
    } catch (err) {
      this.stats.failedBatches++;
      const e = new Error(`cannot write log file ${this.path}: ${describeFsError(err, this.path)}`);
      for (const p of batch) p.reject(e);
      return;
    }
    this.stats.batches++;
    for (const p of batch) {
      this.stats.lines += p.lines;
      p.resolve();
    }
  }

  private async append(buffers: Buffer[], bytes: number): Promise<void> {
    const fd = this.fd!;
    const before = this.size;
    try {
      let rest = buffers;
      for (let done = 0; done < bytes; ) {
        const n = await this.fs.writev(fd, rest);
        done += n;
        rest = afterBytes(rest, n);
      }
      // A device or pipe (an operator discarding logs to /dev/null) has nothing to sync.
      if (this.identity.regular) {
        this.stats.syncs++;
        await this.fs.fdatasync(fd);
      }
      this.size += bytes;
    } catch (err) {
      // Cut a half-written batch so osquery's retry leaves no torn or doubled lines, then
      // reopen on the next batch (after a failed sync the fd's state is unknown).
      if (this.identity.regular) await this.fs.ftruncate(fd, before).catch(() => undefined);
      await this.dropFile();
      throw err;
    }
  }

  /** Size rotation must not cost log lines: on failure, warn and keep writing where we can. */
  private async rotateForSize(): Promise<void> {
    try {
      await this.rotateNow();
    } catch (err) {
      this.options.logger?.warn('osquery log rotation failed; still appending to the current file', {
        file: this.path,
        err: describeFsError(err, this.path),
      });
      await this.ensureCurrentFile();
    }
  }

  /** Renames the live file aside and opens a fresh one; the rotator files it as .1 later. */
  private async rotateNow(): Promise<void> {
    const pending = this.rotator!.pendingName();
    await this.fs.rename(this.path, pending);
    // Queued at once: even if reopening fails below, the rotated lines get filed as .1.
    this.rotator!.enqueue(pending);
    this.stats.rotations++;
    await this.dropFile();
    await this.openCurrent();
  }

  /** Reopens when nothing is open, or the path now names another file (moved or deleted). */
  private async ensureCurrentFile(): Promise<void> {
    if (this.fd !== null) {
      const onDisk = await this.fs.stat(this.path);
      if (onDisk !== null && onDisk.ino === this.identity.ino && onDisk.dev === this.identity.dev) return;
      await this.dropFile();
      this.options.logger?.info('osquery log file was moved or deleted; reopening', { file: this.path });
    }
    await this.openCurrent();
    this.stats.reopens++;
  }

  private async openCurrent(): Promise<void> {
    const opened = await openFile(this.fs, this.path);
    this.fd = opened.fd;
    this.identity = opened.identity;
    this.size = opened.identity.size;
  }

  private async dropFile(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await this.fs.close(fd).catch(() => undefined);
  }
}

/** What is left of `buffers` once their first `n` bytes are written (a short writev). */
function afterBytes(buffers: Buffer[], n: number): Buffer[] {
  let skip = n;
  let i = 0;
  while (i < buffers.length && skip >= buffers[i]!.length) skip -= buffers[i++]!.length;
  const rest = buffers.slice(i);
  if (skip > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}

async function openFile(fs: LogFs, path: string): Promise<{ fd: number; identity: FileIdentity }> {
  const fd = await fs.openAppend(path);
  try {
    return { fd, identity: await fs.fstat(fd) };
  } catch (err) {
    await fs.close(fd).catch(() => undefined);
    throw err;
  }
}

// Clearer start-up errors than open()'s for the most common mistakes.
async function checkDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (err) {
    throw new Error(`cannot open log file ${path}: ${describeFsError(err, path)}`);
  }
  if (!isDirectory) throw new Error(`cannot open log file ${path}: ${dir} is not a directory`);
}
