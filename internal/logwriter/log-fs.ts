/**
 * The file operations the filesystem writer needs, on plain fds. A seam so tests can count
 * syncs or inject failures; production uses nodeLogFs (libuv's thread pool, never blocking
 * the event loop).
 */
import * as fs from 'node:fs';

export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: number;
  /** False for devices and pipes (e.g. /dev/null): they cannot be synced, truncated or rotated. */
  regular: boolean;
}

export interface LogFs {
  /** Opens for appending, creating the file with mode 0600 when missing. */
  openAppend(path: string): Promise<number>;
  /** Writes the buffers in order (one writev); returns the bytes written, possibly fewer. */
  writev(fd: number, buffers: readonly Buffer[]): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  fstat(fd: number): Promise<FileIdentity>;
  /** Null when nothing is at `path` any more. */
  stat(path: string): Promise<FileIdentity | null>;
  ftruncate(fd: number, length: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

const APPEND_FLAGS = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT;
export const LOG_FILE_MODE = 0o600;

function identity(s: fs.BigIntStats): FileIdentity {
  return { dev: s.dev, ino: s.ino, size: Number(s.size), regular: s.isFile() };
}

function settle<T>(resolve: (v: T) => void, reject: (e: Error) => void) {
  return (err: NodeJS.ErrnoException | null, value: T): void => (err ? reject(err) : resolve(value));
}

export const nodeLogFs: LogFs = {
  openAppend: (path) => new Promise((res, rej) => fs.open(path, APPEND_FLAGS, LOG_FILE_MODE, settle(res, rej))),
  writev: (fd, buffers) => new Promise((res, rej) => fs.writev(fd, buffers as Buffer[], settle(res, rej))),
  fdatasync: (fd) => new Promise((res, rej) => fs.fdatasync(fd, (err) => (err ? rej(err) : res()))),
  fstat: (fd) =>
    new Promise((res, rej) =>
      fs.fstat(fd, { bigint: true }, (err, s) => (err ? rej(err) : res(identity(s)))),
    ),
  stat: (path) =>
    new Promise((res, rej) =>
      fs.stat(path, { bigint: true }, (err, s) => {
        if (err === null) res(identity(s));
        else if (err.code === 'ENOENT') res(null);
        else rej(err);
      }),
    ),
  ftruncate: (fd, length) => new Promise((res, rej) => fs.ftruncate(fd, length, (err) => (err ? rej(err) : res()))),
  close: (fd) => new Promise((res, rej) => fs.close(fd, (err) => (err ? rej(err) : res()))),
  rename: (from, to) => new Promise((res, rej) => fs.rename(from, to, (err) => (err ? rej(err) : res()))),
};
