// osquery's buffered TLS logger (spec §13.4): every period send ≤ maxLines result
// lines, then ≤ maxLines status lines; delete only what the server accepted; on failure
// keep everything and back off exponentially up to backoffMaxMs.
import { LogBuffer, type LogLine, type LogType } from './logs';
import type { EventCounters } from './stats';

export interface TlsLoggerOptions {
  maxLines: number;
  bufferMax: number;
  backoffMaxMs: number;
}

/** Sends one /log request; true when the server accepted it. */
export type SendLogs = (type: LogType, lines: LogLine[]) => Promise<boolean>;

export class TlsLogger {
  readonly buffer: LogBuffer;
  private failures = 0;

  constructor(
    private readonly opts: TlsLoggerOptions,
    private readonly send: SendLogs,
    private readonly events: EventCounters,
  ) {
    this.buffer = new LogBuffer(opts.bufferMax, (n) => (events.logLinesDropped += n));
  }

  push(type: LogType, lines: readonly LogLine[]): void {
    this.buffer.push(type, lines);
  }

  /** The period after a success; period·2^failures (capped) after failures. */
  nextDelay(periodMs: number): number {
    return this.failures === 0 ? periodMs : Math.min(this.opts.backoffMaxMs, periodMs * 2 ** this.failures);
  }

  async flush(): Promise<void> {
    for (const type of ['result', 'status'] as const) {
      if (this.buffer.size(type) === 0) continue;
      const batch = this.buffer.take(type, this.opts.maxLines);
      if (!(await this.send(type, batch.lines))) {
        this.failures++;
        return;
      }
      this.buffer.ack(batch);
      if (type === 'result') this.events.resultLinesSent += batch.lines.length;
      else this.events.statusLinesSent += batch.lines.length;
    }
    this.failures = 0;
  }
}
