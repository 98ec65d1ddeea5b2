import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatastore } from '../../cmd/fleet/open-datastore';
import { startServer, type Server } from '../../cmd/fleet/serve';
import { defaultConfig, type FleetConfig } from '../../internal/config/config';
import { createTestDatabase, describeIfPostgres } from '../support/services';
import { silentLogger } from '../support/silent-logger';
import { PASSWORD } from '../support/test-app';

function testConfig(edit: (c: FleetConfig) => void): FleetConfig {
  const c = defaultConfig();
  c.server.address = '127.0.0.1:0';
  c.auth.bcrypt_cost = 4;
  c.logging.disable_banner = true;
  edit(c);
  return c;
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const SETUP_BODY = JSON.stringify({
  admin: { username: 'admin', email: 'admin@example.com', password: PASSWORD, admin: true },
  org_info: { org_name: 'Acme' },
  kolide_server_url: 'https://fleet.example.com',
});

describe('fleet serve', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves on the in-memory store and prepares it itself', async () => {
    server = await startServer(testConfig((c) => (c.datastore = 'inmem')), silentLogger);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const setup = await json(`${server.url}/api/v1/setup`, { method: 'POST', body: SETUP_BODY });
    expect(setup.status).toBe(200);
  });

  it('prints the URL and how to run first-time setup', async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => (out.push(String(chunk)), true));
    try {
      server = await startServer(
        testConfig((c) => {
          c.datastore = 'inmem';
          c.logging.disable_banner = false;
        }),
        silentLogger,
      );
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    expect(text).toContain(`Fleet is listening on ${server.url}`);
    expect(text).toContain('/api/v1/setup');
  });

  it('rotates the osquery log files on SIGHUP when rotation is enabled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-logs-'));
    try {
      server = await startServer(
        testConfig((c) => {
          c.datastore = 'inmem';
          c.filesystem.status_log_file = join(dir, 'status');
          c.filesystem.result_log_file = join(dir, 'result');
          c.filesystem.enable_log_rotation = true;
        }),
        silentLogger,
      );
      writeFileSync(join(dir, 'result'), '{"before":"rotation"}\n');
      process.emit('SIGHUP', 'SIGHUP');
      const rotated = join(dir, 'result.1');
      for (let i = 0; i < 100 && !existsSync(rotated); i++) await new Promise((r) => setTimeout(r, 20));
      expect(readFileSync(rotated, 'utf8')).toBe('{"before":"rotation"}\n');
    } finally {
      await server?.close();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves HTTPS with the configured certificate and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-tls-'));
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
      server = await startServer(
        testConfig((c) => {
          c.datastore = 'inmem';
          c.server.tls = true;
          c.server.cert = join(dir, 'cert.pem');
          c.server.key = join(dir, 'key.pem');
        }),
        silentLogger,
      );
      expect(server.url).toMatch(/^https:\/\//);
      const status = await new Promise<number>((resolve, reject) => {
        https.get(`${server!.url}/healthz`, { rejectUnauthorized: false }, (res) => resolve(res.statusCode!)).on('error', reject);
      });
      expect(status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps users, sessions and settings across a restart of the embedded store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-embedded-'));
    const config = testConfig((c) => {
      c.datastore = 'embedded';
      c.embedded.dir = dir;
    });
    try {
      server = await startServer(config, silentLogger);
      const setup = await json(`${server.url}/api/v1/setup`, { method: 'POST', body: SETUP_BODY });
      expect(setup.status).toBe(200);
      const token = setup.body.token as string;
      await server.close();

      server = await startServer(config, silentLogger);
      const auth = { Authorization: `Bearer ${token}` };
      const me = await json(`${server.url}/api/v1/fleet/me`, { headers: auth });
      expect(me.status).toBe(200);
      expect(me.body.user.username).toBe('admin');
      const cfg = await json(`${server.url}/api/v1/fleet/config`, { headers: auth });
      expect(cfg.body.org_info.org_name).toBe('Acme');
      const secrets = await json(`${server.url}/api/v1/fleet/spec/enroll_secret`, { headers: auth });
      expect(secrets.body.specs.secrets.map((s: { name: string }) => s.name)).toEqual(['default']);
    } finally {
      await server?.close();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describeIfPostgres('fleet serve on a Postgres server', () => {
  it('refuses a schema that is behind and names the command that fixes it, then serves once prepared', async () => {
    const db = await createTestDatabase();
    const config = testConfig((c) => {
      c.datastore = 'postgres';
      c.postgres.url = db.url;
    });
    try {
      await expect(startServer(config, silentLogger)).rejects.toThrow(/fleet prepare db/);
      const ds = openDatastore(config);
      await ds.prepare();
      await ds.close();
      const server = await startServer(config, silentLogger);
      try {
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        const setup = await json(`${server.url}/api/v1/setup`, { method: 'POST', body: SETUP_BODY });
        expect(setup.status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      await db.drop();
    }
  });
});
