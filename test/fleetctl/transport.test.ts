// How fleetctl reaches a server: HTTPS with a private CA (--rootca), --tls-skip-verify, and a
// server mounted under a URL prefix (--url-prefix).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
