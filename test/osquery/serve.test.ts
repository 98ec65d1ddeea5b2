// `fleet serve` puts the agent handler in front of express on one listener, writes /log
// lines through the configured writers, and flushes seen times on close.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type Server } from '../../cmd/fleet/serve';
import { defaultConfig } from '../../internal/config/config';
import { silentLogger } from '../support/silent-logger';
import { elementTexts, fixtureText, FIXTURE_SECRETS, minifyJson } from './support';

describe('fleet serve: agent routes', () => {
  let server: Server | undefined;
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fleet-agent-'))));
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves agent routes under url_prefix on the same listener as the admin app', async () => {
    const c = defaultConfig();
    c.datastore = 'inmem';
    c.server.address = '127.0.0.1:0';
    c.server.url_prefix = '/fleet';
    c.logging.disable_banner = true;
    c.filesystem.status_log_file = join(dir, 'status.log');
    c.filesystem.result_log_file = join(dir, 'result.log');
    server = await startServer(c, silentLogger);
    const post = async (path: string, body: string) => {
      const res = await fetch(`${server!.url}/api/v1/osquery/${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
    };
    const get = await fetch(`${server.url}/api/v1/osquery/enroll`, { method: 'GET' });
    expect(get.status).toBe(404); // not an agent route: express answered

    // No secret matches on a fresh server: the agent handler answers with osquery's body.
    const denied = await post('enroll', fixtureText('enroll-ubuntu.json'));
    expect(denied).toEqual({ status: 401, type: 'application/json; charset=utf-8', body: { error: 'enroll failed: no matching secret found', node_invalid: true } });

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('writes /log lines to the filesystem writer byte for byte', async () => {
    const c = defaultConfig();
    c.datastore = 'inmem';
    c.server.address = '127.0.0.1:0';
    c.logging.disable_banner = true;
    c.filesystem.status_log_file = join(dir, 'status.log');
    c.filesystem.result_log_file = join(dir, 'result.log');
    server = await startServer(c, silentLogger);
    // Enroll needs a secret: apply one through the admin API after setup.
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        admin: { username: 'admin', email: 'admin@example.com', password: 'p4ssw0rd!', admin: true },
        org_info: { org_name: 'Acme' },
        kolide_server_url: 'https://fleet.example.com',
      }),
    });
    const { token } = (await setup.json()) as { token: string };
    const spec = await fetch(`${server.url}/api/v1/fleet/spec/enroll_secret`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ spec: { secrets: [{ name: 'default', secret: FIXTURE_SECRETS.default, active: true }] } }),
    });
    expect(spec.status).toBe(200);
    const enroll = await fetch(`${server.url}/api/v1/osquery/enroll`, { method: 'POST', body: fixtureText('enroll-ubuntu.json') });
    const { node_key } = (await enroll.json()) as { node_key: string };
    const body = minifyJson(fixtureText('log-result-event.json')).replace(/"node_key":"[^"]*"/, `"node_key":${JSON.stringify(node_key)}`);
    const res = await fetch(`${server.url}/api/v1/osquery/log`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(readFileSync(join(dir, 'result.log'), 'utf8')).toBe(elementTexts(body, 'data').map((l) => `${l}\n`).join(''));
  });
});
