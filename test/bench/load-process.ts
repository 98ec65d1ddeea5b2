/**
 * autocannon in a process of its own, so the load generator does not share the bench's
 * event loop, and its CPU time can be read apart from the server's.
 */
import { spawn } from 'node:child_process';
import { ROOT } from './fleet-server';
import type { LoadResult } from './load';

export interface LoadOptions {
  url: string;
  /** POST bodies, cycled over. */
  bodies: string[];
  connections: number;
  /** Requests in flight per connection (1 = none). */
  pipelining: number;
  seconds: number;
}

export interface ProcessLoadResult extends LoadResult {
  /** CPU seconds the load generator itself used. */
  generatorCpu: number;
  /** Seconds it ran. */
  elapsed: number;
}

const SCRIPT = `
const autocannon = require('autocannon');
const o = JSON.parse(process.env.LOAD_OPTIONS);
const t0 = Date.now();
const c0 = process.cpuUsage();
autocannon({
  url: o.url, connections: o.connections, pipelining: o.pipelining, duration: o.seconds,
  requests: o.bodies.map((body) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })),
}, (err, r) => {
  if (err) { console.error(err); process.exit(1); }
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({
    requestsPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99,
    errors: r.errors + r.timeouts, non2xx: r.non2xx, total: r.requests.total,
    generatorCpu: (c.user + c.system) / 1e6, elapsed: (Date.now() - t0) / 1000,
  }));
});`;

/** Runs one autocannon load in a child process and returns its figures. */
export function runLoadProcess(o: LoadOptions): Promise<ProcessLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], { cwd: ROOT, env: { ...process.env, LOAD_OPTIONS: JSON.stringify(o) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process exited ${code}: ${err.slice(-1000)}`));
      resolve(JSON.parse(out) as ProcessLoadResult);
    });
  });
}
