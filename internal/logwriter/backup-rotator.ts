/**
 * Background housekeeping after a rotation: shift <file>.1…N (plain or .gz) up by one,
 * drop the oldest, move the just-rotated file to <file>.1 and optionally gzip it. Runs
 * on its own serial queue so a slow gzip of a 500 MB file never holds up a write; the
 * writer only renames the live file to a pending name (instant) and carries on.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Logger } from '../logging';
import { LOG_FILE_MODE } from './log-fs';

const PENDING_MARK = '.rotating-';
let pendingSeq = 0;

export class BackupRotator {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly maxBackups: number,
    private readonly compress: boolean,
    private readonly logger?: Logger,
  ) {}

  /** A name for the file being rotated out: same directory, so renaming is atomic. */
  pendingName(): string {
    const stamp = String(Date.now()).padStart(15, '0');
    return `${this.path}${PENDING_MARK}${stamp}-${String(++pendingSeq).padStart(6, '0')}`;
  }

  backupName(n: number, gz = false): string {
    return `${this.path}.${n}${gz ? '.gz' : ''}`;
  }

  /** Files a crashed process rotated out but never moved to .1, oldest first. */
  async adoptLeftovers(): Promise<void> {
    const prefix = basename(this.path) + PENDING_MARK;
    const names = (await readdir(dirname(this.path))).filter((n) => n.startsWith(prefix)).sort();
    for (const name of names) this.enqueue(join(dirname(this.path), name));
  }

  enqueue(pending: string): void {
    this.queue = this.queue.then(() =>
      this.settle(pending).catch((err: unknown) => {
        // A failed housekeeping step loses no log line: the data stays in the pending file.
        this.logger?.warn('osquery log rotation housekeeping failed', { file: pending, err: String(err) });
      }),
    );
  }

  /** Resolves when every queued rotation is settled. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async settle(pending: string): Promise<void> {
    for (let n = this.maxBackups; n >= 1; n--) {
      for (const gz of [false, true]) {
        if (n === this.maxBackups) await rm(this.backupName(n, gz), { force: true });
        else await renameIfExists(this.backupName(n, gz), this.backupName(n + 1, gz));
      }
    }
    const first = this.backupName(1);
    await rename(pending, first);
    if (this.compress) await this.gzip(first);
  }

  private async gzip(file: string): Promise<void> {
    const tmp = `${file}.gz.tmp`;
    try {
      await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp, { mode: LOG_FILE_MODE }));
      await rename(tmp, `${file}.gz`);
      await rm(file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err; // the plain backup is kept
    }
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
