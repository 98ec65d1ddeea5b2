// --write-log FILE: one JSON line per distributed/write attempt, so a benchmark running the
// simulator in its own process can time what the server did with each write.
import { createWriteStream } from 'node:fs';
import type { DistributedWriteEvent } from './options';

export interface WriteLog {
  record(event: DistributedWriteEvent): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export function openWriteLog(path: string): WriteLog {
  const out = createWriteStream(path, { flags: 'w' });
  let failure: Error | undefined;
  out.on('error', (err) => (failure ??= err));
  return {
    record: (event) => void out.write(`${JSON.stringify(event)}\n`),
    close: () =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        out.end(() => (failure ? reject(failure) : resolve()));
      }),
  };
}
