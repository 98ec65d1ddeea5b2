import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident memory of a process, in MB, from /proc. */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/VmRSS:\s+(\d+)\s+kB/)?.[1] ?? NaN);
  return kb / 1024;
}

export interface Started {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn until the URL answered 200 on `readyPath`. */
  readyMs: number;
}

/**
 * Spawns `node <args>`, waits for a line matching `urlPattern` on stdout, then polls
 * `readyPath` until it answers 200.
 */
export async function startAndWait(
  args: string[],
  env: NodeJS.ProcessEnv,
  urlPattern: RegExp,
  readyPath: string,
  timeoutMs = 60_000,
): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs} ms: ${out}\n${err}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(urlPattern);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}\n${err}`)));
  });
  for (;;) {
    try {
      const res = await fetch(url + readyPath);
      if (res.status === 200) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, url, readyMs: performance.now() - t0 };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
