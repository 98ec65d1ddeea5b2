// Log lines in the shapes osquery's TLS logger sends (spec §11.1, fixtures log-*.json),
// and the buffer they wait in until a /log request succeeds.
import type { Row } from './templates';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C asctime() + " UTC": "Mon Mar  1 09:58:05 2021 UTC" (day padded with a space). */
export function calendarTime(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} UTC`;
}

export type LogLine = Record<string, unknown>;
export type LogType = 'result' | 'status';

/** How lines are decorated and which osquery version's number/string rules apply. */
export interface LineContext {
  hostIdentifier: string;
  osqueryVersion: string;
  decorations: Row;
  decorationsTopLevel: boolean;
}

export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

function withDecorations(line: LogLine, ctx: LineContext): LogLine {
  if (Object.keys(ctx.decorations).length === 0) return line;
  if (ctx.decorationsTopLevel) return { ...line, ...ctx.decorations };
  return { ...line, decorations: { ...ctx.decorations } };
}

export interface StatusMessage {
  severity: 0 | 1 | 2;
  filename: string;
  line: number;
  message: string;
}

/** Status line; before osquery 5.10 every value is a string (Boost property tree). */
export function statusLine(msg: StatusMessage, now: Date, ctx: LineContext): LogLine {
  const numeric = versionAtLeast(ctx.osqueryVersion, '5.10.0');
  const unix = Math.floor(now.getTime() / 1000);
  return withDecorations(
    {
      hostIdentifier: ctx.hostIdentifier,
      calendarTime: calendarTime(now),
      unixTime: numeric ? unix : String(unix),
      severity: numeric ? msg.severity : String(msg.severity),
      filename: msg.filename,
      line: numeric ? msg.line : String(msg.line),
      message: msg.message,
      version: ctx.osqueryVersion,
    },
    ctx,
  );
}

function sortedColumns(row: Row): Row {
  const out: Row = {};
  for (const k of Object.keys(row).sort()) out[k] = row[k]!;
  return out;
}

interface RunInfo {
  name: string;
  counter: number;
  now: Date;
}

function common(run: RunInfo, ctx: LineContext): LogLine {
  return {
    name: run.name,
    hostIdentifier: ctx.hostIdentifier,
    calendarTime: calendarTime(run.now),
    unixTime: Math.floor(run.now.getTime() / 1000),
    epoch: 0,
    counter: run.counter,
    numerics: false,
  };
}

/** Event format (default): one line per changed row, removed lines before added ones. */
export function eventLines(run: RunInfo, removed: readonly Row[], added: readonly Row[], ctx: LineContext): LogLine[] {
  const base = withDecorations(common(run, ctx), ctx);
  const line = (row: Row, action: 'added' | 'removed'): LogLine => ({ ...base, columns: sortedColumns(row), action });
  return [...removed.map((r) => line(r, 'removed')), ...added.map((r) => line(r, 'added'))];
}

/** Snapshot queries: one line per run with all rows, counter always 0. */
export function snapshotLine(run: RunInfo, rows: readonly Row[], ctx: LineContext): LogLine {
  return { snapshot: rows.map(sortedColumns), action: 'snapshot', ...withDecorations(common({ ...run, counter: 0 }, ctx), ctx) };
}

/** Lines handed to one /log request; `ack` it after the server accepted them. */
export interface LogBatch {
  type: LogType;
  lines: LogLine[];
  /** Lines purged from the front of this buffer before the batch was taken. */
  purgedBefore: number;
}

/**
 * Lines waiting to be sent, per log type. Bounded like --buffered_log_max: when full the
 * oldest lines are purged and reported through `onDrop`.
 */
export class LogBuffer {
  private readonly lines: Record<LogType, LogLine[]> = { result: [], status: [] };
  private readonly purged: Record<LogType, number> = { result: 0, status: 0 };

  constructor(
    private readonly maxLines: number,
    private readonly onDrop: (count: number) => void = () => {},
  ) {}

  push(type: LogType, lines: readonly LogLine[]): void {
    this.lines[type].push(...lines);
    const over = this.size() - this.maxLines;
    if (over <= 0) return;
    // Purge from the larger buffer first: results dominate in practice.
    const victim: LogType = this.lines.result.length >= this.lines.status.length ? 'result' : 'status';
    const n = Math.min(over, this.lines[victim].length);
    this.lines[victim].splice(0, n);
    this.purged[victim] += n;
    this.onDrop(n);
  }

  size(type?: LogType): number {
    return type ? this.lines[type].length : this.lines.result.length + this.lines.status.length;
  }

  /** Oldest `max` lines, left in place until `ack` confirms they were sent. */
  take(type: LogType, max: number): LogBatch {
    return { type, lines: this.lines[type].slice(0, max), purgedBefore: this.purged[type] };
  }

  /** Removes a sent batch, minus any of its lines purged meanwhile (they are gone already). */
  ack(batch: LogBatch): void {
    const purgedSince = this.purged[batch.type] - batch.purgedBefore;
    const remaining = Math.max(0, batch.lines.length - purgedSince);
    this.lines[batch.type].splice(0, remaining);
  }
}
