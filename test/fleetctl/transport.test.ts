// How fleetctl reaches a server: HTTPS with a private CA (--rootca), --tls-skip-verify, and a
// server mounted under a URL prefix (--url-prefix).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD } from '../support/test-app';
import { startFleet, type RunningFleet } from '../e2e/support';
import { FleetctlHome } from './support';

const LOGIN = ['login', '--email', 'admin@example.com', '--password', PASSWORD];

describe('fleetctl over HTTPS under a URL prefix', () => {
  let certDir: string;
  let fleet: RunningFleet;
  let address: string;
  let home: FleetctlHome;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'fleetctl-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
    ], { stdio: 'ignore' });
    fleet = await startFleet('inmem', (c) => {
      c.server.tls = true;
      c.server.cert = join(certDir, 'cert.pem');
      c.server.key = join(certDir, 'key.pem');
      c.server.url_prefix = '/fleet';
    }, { setup: false });
    address = `https://localhost:${new URL(fleet.server.url).port}`;
    home = new FleetctlHome();
    home.writeContext({ address, 'url-prefix': '/fleet', rootca: join(certDir, 'cert.pem') });
    const setup = await home.run(['setup', '--email', 'admin@example.com', '--password', PASSWORD]);
    if (setup.code !== 0) throw new Error(`setup failed: ${setup.stderr}`);
  });
  afterAll(async () => {
    home.remove();
    await fleet.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('trusts the server through the CA given with --rootca', async () => {
    expect(await home.run(LOGIN)).toMatchObject({ code: 0 });
  });

  it('refuses a certificate it cannot verify, unless told to skip verification', async () => {
    const other = new FleetctlHome();
    try {
      other.writeContext({ address, 'url-prefix': '/fleet' });
      const refused = await other.run(LOGIN);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`Error: cannot reach the Fleet server at ${address}: DEPTH_ZERO_SELF_SIGNED_CERT\n`);
      expect((await other.run(['config', 'set', '--tls-skip-verify'])).code).toBe(0);
      expect(await other.run(LOGIN)).toMatchObject({ code: 0 });
    } finally {
      other.remove();
    }
  });

  it('needs the url prefix: without it the API is not found', async () => {
    const other = new FleetctlHome();
    try {
      other.writeContext({ address, rootca: join(certDir, 'cert.pem') });
      const res = await other.run(LOGIN);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: Fleet has not been setup: run fleetctl setup first\n');
    } finally {
      other.remove();
    }
  });

  it('reports a missing rootca file', async () => {
    const other = new FleetctlHome();
    try {
      other.writeContext({ address, 'url-prefix': '/fleet', rootca: join(certDir, 'missing.pem') });
      const res = await other.run(LOGIN);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^Error: cannot read rootca .*missing\.pem: ENOENT/);
    } finally {
      other.remove();
    }
  });
});

describe('fleetctl against something that is not a healthy Fleet server', () => {
  let proxy: http.Server;
  let home: FleetctlHome;
  beforeAll(async () => {
    // A reverse proxy whose upstream is down: HTML error pages, or Fleet's error body on a 500.
    proxy = http.createServer((req, res) => {
      if (req.url?.includes('/spec/packs')) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error', errors: [{ name: 'base', reason: 'database is down' }] }));
        return;
      }
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    home = new FleetctlHome();
    home.writeContext({ address: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, token: 'some-token' });
  });
  afterAll(async () => {
    home.remove();
    await new Promise((r) => proxy.close(r));
  });

  it('reports a page that is not Fleet JSON as unknown, with the HTTP status', async () => {
    expect(await home.run(['get', 'queries'])).toMatchObject({ code: 1, stdout: '', stderr: 'Error: unknown (HTTP 502)\n' });
  });

  it("reports a server error with Fleet's message and reason", async () => {
    expect(await home.run(['get', 'packs'])).toMatchObject({ code: 1, stderr: 'Error: Internal Server Error: database is down\n' });
  });
});
