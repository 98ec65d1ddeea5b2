/**
 * wrk (C, epoll; `apt-get install wrk`) as the load generator, when it is installed: on a
 * 2-core machine the generator shares the cores with the server, and wrk spends several
 * times less CPU per request than autocannon. One thread, POST bodies cycled over, optional
 * HTTP pipelining; the generator's CPU time is read with the shell's `times`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadOptions, ProcessLoadResult } from './load-process';

export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its version.
    return (err as { status?: number }).status === 1;
  }
}

// Each request() returns `depth` requests at once (wrk's pipelining idiom); done() prints JSON.
const LUA = `
local bodies, depth, n = {}, tonumber(os.getenv("WRK_DEPTH")), 0
for line in io.lines(os.getenv("WRK_BODIES")) do bodies[#bodies + 1] = line end
local headers = { ["Content-Type"] = "application/json" }
request = function()
  local out = {}
  for k = 1, depth do
    n = n + 1
    out[k] = wrk.format("POST", nil, headers, bodies[(n % #bodies) + 1])
  end
  return table.concat(out)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON{"total":%d,"us":%d,"errors":%d,"non2xx":%d,"p50":%.3f,"p99":%.3f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end`;

export function runWrk(o: LoadOptions): Promise<ProcessLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-wrk-'));
  writeFileSync(join(dir, 'bodies'), o.bodies.join('\n') + '\n');
  writeFileSync(join(dir, 'load.lua'), LUA);
  const cmd = `wrk -t1 -c${o.connections} -d${o.seconds}s --timeout 10s -s ${join(dir, 'load.lua')} ${o.url}; times`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', cmd], {
      env: { ...process.env, WRK_BODIES: join(dir, 'bodies'), WRK_DEPTH: String(o.pipelining) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const m = out.match(/WRK_JSON(\{.*\})/);
      // `times` prints the shell's own times, then its children's: "0m1.23s 0m0.45s".
      const t = [...out.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)].at(-1);
      if (code !== 0 || !m || !t) return reject(new Error(`wrk failed (${code}): ${out.slice(-500)} ${err.slice(-500)}`));
      const r = JSON.parse(m[1]!) as { total: number; us: number; errors: number; non2xx: number; p50: number; p99: number };
      const elapsed = r.us / 1e6;
      resolve({
        requestsPerSec: r.total / elapsed,
        p50: r.p50,
        p99: r.p99,
        errors: r.errors,
        non2xx: r.non2xx,
        total: r.total,
        generatorCpu: Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4]),
        elapsed,
      });
    });
  });
}
