// Reading a password: without echo on a terminal, one line from a pipe otherwise (scripts, tests).
import { CliError } from './errors';
import type { Io } from './runtime';

export async function promptPassword(io: Io, label: string): Promise<string> {
  io.stderr.write(`${label}: `);
  const line = io.stdin.isTTY && io.stdin.setRawMode ? await readHidden(io) : await readLine(io.stdin);
  io.stderr.write('\n');
  if (line === undefined) throw new CliError('no password given (stdin closed)');
  return line;
}

/** Asks twice on a terminal so a typo does not become the password; once from a pipe. */
export async function promptNewPassword(io: Io): Promise<string> {
  const password = await promptPassword(io, 'Password');
  if (io.stdin.isTTY) {
    const again = await promptPassword(io, 'Confirm Password');
    if (again !== password) throw new CliError('passwords do not match');
  }
  return password;
}

let buffered = '';
let ended = false;

/** The next line of a piped stdin (undefined at end of input); keeps the rest for the next call. */
function readLine(stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const take = (): boolean => {
      const nl = buffered.indexOf('\n');
      if (nl >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        resolve(line);
        return true;
      }
      if (ended) {
        const rest = buffered;
        buffered = '';
        resolve(rest === '' ? undefined : rest);
        return true;
      }
      return false;
    };
    if (take()) return;
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      if (take()) cleanup();
    };
    const onEnd = () => {
      ended = true;
      take();
      cleanup();
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** Raw mode: characters are read one by one and never echoed; Ctrl-C aborts. */
function readHidden(io: Io): Promise<string> {
  const stdin = io.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode!(true);
    const done = (fn: () => void) => {
      stdin.setRawMode!(false);
      stdin.off('data', onData);
      stdin.pause();
      fn();
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(() => resolve(value));
        if (ch === '\u0003') return done(() => reject(new CliError('interrupted')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
