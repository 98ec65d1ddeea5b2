// The status line of `fleetctl query`: how many targeted hosts answered, in Fleet's words.

export interface Tally {
  responded: number;
  /** Targeted hosts that exist (the stream's `totals.count`). */
  total: number;
  online: number;
}

/**
 * Fleet's line, to the character (leading space included):
 * ` 50% responded (100% online) | 2/4 targeted hosts (2/2 online)`.
 */
export function statusLine({ responded, total, online }: Tally): string {
  const ofTotal = total > 0 ? (100 * responded) / total : 0;
  const ofOnline = online > 0 ? (100 * responded) / online : 0;
  return ` ${goPercent(ofTotal)}% responded (${goPercent(ofOnline)}% online) | ${responded}/${total} targeted hosts (${responded}/${online} online)`;
}

/** Go's `%.f`: nearest integer, exact halves to even (12.5 → 12), unlike toFixed. */
export function goPercent(x: number): string {
  const floor = Math.floor(x);
  const frac = x - floor;
  const n = frac > 0.5 || (frac === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  return String(n);
}

/**
 * One line on stderr redrawn in place (`\r` + erase to end of line). Disabled, it writes
 * nothing, so callers need not check whether stderr is a terminal.
 */
export class ProgressLine {
  private shown = false;
  private last = '';

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly enabled: boolean,
  ) {}

  show(line: string): void {
    if (this.shown && line === this.last) return; // a status that changes nothing
    this.last = line;
    if (!this.enabled) return;
    this.stream.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  /** Erases the line so other output starts at column 0; `restore` draws it again. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  restore(): void {
    if (this.last !== '') this.show(this.last);
  }
}
