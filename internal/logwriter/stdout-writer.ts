/**
 * Writes log lines as NDJSON to a stream (process.stdout by default), Fleet's `stdout`
 * plugin. One chunk per write() call, in call order; a call resolves when the stream has
 * taken its chunk and, if the stream's buffer was full, once it drained, so a slow reader
 * (a pipe to a log shipper) slows /log responses instead of growing memory.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { OsqueryLogWriter } from './log-writer';
import { toNdjson } from './ndjson';

export class StdoutLogWriter implements OsqueryLogWriter {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly stream: Writable = process.stdout) {}

  write(lines: readonly string[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('stdout log writer is closed'));
    if (lines.length === 0) return Promise.resolve();
    const text = toNdjson(lines);
    const done = this.tail.then(() => this.writeChunk(text));
    this.tail = done.catch(() => undefined); // one failed write does not block later ones
    return done;
  }

  /** Waits for accepted lines; the stream itself (usually stdout) is left open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }

  private async writeChunk(text: string): Promise<void> {
    const stream = this.stream;
    if (stream.destroyed || stream.writableEnded) throw new Error('stdout is closed');
    const state = { bufferFull: false };
    const written = new Promise<void>((resolve, reject) => {
      state.bufferFull = !stream.write(text, (err) => (err ? reject(err) : resolve()));
    });
    // 'drain' never comes on an errored stream; once() rejects on 'error' instead.
    await Promise.all([written, state.bufferFull ? once(stream, 'drain') : undefined]);
  }
}
