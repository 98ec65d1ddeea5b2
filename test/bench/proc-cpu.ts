import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** Direct children of a process (e.g. the workers of `fleet serve --workers N`). */
export function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(' ').map(Number);
}

/** CPU seconds used by each of `pids` while `work` runs. */
export async function cpuDuring<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; cpu: number[] }> {
  const before = pids.map(cpuSeconds);
  const result = await work();
  return { result, cpu: pids.map((p, i) => cpuSeconds(p) - before[i]!) };
}

/** Pids of every process whose command name is `comm` (e.g. all postgres backends). */
export function pidsByName(comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) out.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** CPU seconds of a set of processes; ones that exit or appear meanwhile are counted as far as seen. */
export function cpuOf(pids: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of pids) {
    try {
      m.set(p, cpuSeconds(p));
    } catch {
      /* exited */
    }
  }
  return m;
}

/** CPU seconds used between two cpuOf() readings (processes present in both, or new in `after`). */
export const cpuBetween = (before: Map<number, number>, after: Map<number, number>): number =>
  [...after].reduce((n, [p, s]) => n + s - (before.get(p) ?? 0), 0);
