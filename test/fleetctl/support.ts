// Runs the real fleetctl as a child process (from sources, no build) against real servers.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFleet, type RunningFleet } from '../e2e/support';

const ENTRY = join(__dirname, 'fleetctl-entry.js');

export interface FleetctlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, then stdin is closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  cwd?: string;
}

/**
 * A throw-away HOME for one suite: fleetctl finds its config in `<home>/.fleet/config`, so
 * tests never touch the developer's own file.
 */
export class FleetctlHome {
  readonly dir = mkdtempSync(join(tmpdir(), 'fleetctl-home-'));
  readonly configPath = join(this.dir, '.fleet', 'config');

  /** Writes the default context directly (address + optional token), as `config set` would. */
  writeContext(context: Record<string, unknown>, name = 'default'): void {
    mkdirSync(join(this.dir, '.fleet'), { recursive: true, mode: 0o700 });
    writeFileSync(this.configPath, stringify({ contexts: { [name]: context } }), { mode: 0o600 });
  }

  /** A file in the home directory (YAML documents, packs) for `-f`. */
  file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  run(args: string[], opts: RunOptions = {}): Promise<FleetctlResult> {
    return runFleetctl(args, { ...opts, env: { HOME: this.dir, ...opts.env } });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function runFleetctl(args: string[], opts: RunOptions = {}): Promise<FleetctlResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, ...args], { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fleetctl ${args.join(' ')} did not exit within ${opts.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * For a describe block: a fresh in-memory server with its admin set up and a fleetctl home
 * logged in as that admin, handed to `use` before the block's other beforeAll hooks run;
 * both are removed after the block.
 */
export function adminFleetctl(use: (fleet: RunningFleet, home: FleetctlHome) => void): void {
  let fleet: RunningFleet | undefined;
  let home: FleetctlHome | undefined;
  beforeAll(async () => {
    fleet = await startFleet('inmem');
    home = new FleetctlHome();
    home.writeContext({ address: fleet.server.url, token: fleet.api.sessionToken });
    use(fleet, home);
  });
  afterAll(async () => {
    home?.remove();
    await fleet?.close();
  });
}
