// The CLI entry end to end, and HTTPS with --insecure against a self-signed server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cmd/osquery-perf/main';
import { startSimulation } from '../../cmd/osquery-perf/simulation';
import { FakeFleet, waitFor } from './fake-fleet';
import { FAST, SECRET } from './harness';

function captureOutput(): { stdout: () => string; restore: () => void } {
  let out = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { stdout: () => out, restore: () => (o.mockRestore(), e.mockRestore()) };
}

describe('main', () => {
  it('runs for --duration and prints a JSON report', async () => {
    const fleet = await new FakeFleet({ enrollSecret: SECRET }).start();
    const cap = captureOutput();
    try {
      const code = await run(['node', 'osquery-perf', '--server-url', fleet.url, '--enroll-secret', SECRET, '--host-count', '3',
        '--start-period', '0', '--query-interval', '50ms', '--duration', '400ms', '--report-interval', '100ms', '--seed', '9', '--json']);
      expect(code).toBe(0);
    } finally {
      cap.restore();
      await fleet.close();
    }
    const report = JSON.parse(cap.stdout());
    expect(report.seed).toBe(9);
    expect(report.agents).toEqual({ total: 3, started: 3, enrolled: 3 });
    expect(report.endpoints.enroll.requests).toBe(3);
    expect(report.endpoints.distributed_read.requests).toBeGreaterThanOrEqual(3);
    expect(Object.keys(report.endpoints.config.latencyMs)).toEqual(['count', 'mean', 'p50', 'p95', 'p99', 'max']);
  });

  it('exits 2 on bad flags', async () => {
    const cap = captureOutput();
    try {
      expect(await run(['node', 'osquery-perf', '--host-count', '3'])).toBe(2);
      // The write log is one file written by one process.
      expect(await run(['node', 'osquery-perf', '--enroll-secret', 's', '--processes', '2', '--write-log', join(tmpdir(), 'never-written.jsonl')])).toBe(2);
    } finally {
      cap.restore();
    }
  });
});

let certDir: string | undefined;
try {
  certDir = mkdtempSync(join(tmpdir(), 'osquery-perf-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
} catch {
  certDir = undefined; // no openssl: skip the TLS test
}

(certDir ? describe : describe.skip)('TLS', () => {
  afterAll(() => certDir && rmSync(certDir, { recursive: true, force: true }));

  it('talks HTTPS to a self-signed server only with insecure', async () => {
    const tls = { key: readFileSync(join(certDir!, 'key.pem'), 'utf8'), cert: readFileSync(join(certDir!, 'cert.pem'), 'utf8') };
    const fleet = await new FakeFleet({ enrollSecret: SECRET, tls }).start();
    try {
      const strict = startSimulation({ ...FAST, hostCount: 1, serverUrl: fleet.url });
      await waitFor(() => strict.stats().endpoints.enroll.errors >= 1, 3000, 'TLS rejection');
      expect(fleet.hosts.size).toBe(0);
      await strict.stop();
      const insecure = startSimulation({ ...FAST, hostCount: 2, serverUrl: fleet.url, insecure: true });
      await waitFor(() => [...fleet.hosts.values()].filter((h) => h.detailsAnswered).length === 2, 5000, 'HTTPS agents');
      await insecure.stop();
    } finally {
      await fleet.close();
    }
  });
});
