// fleetctl config / setup / login / logout / user create, as the real process against a real server.
import { statSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { PASSWORD } from '../support/test-app';
import { startFleet, type RunningFleet } from '../e2e/support';
import { adminFleetctl, FleetctlHome } from './support';

const ADMIN = 'admin@example.com';

async function statusWithToken(fleet: RunningFleet, token: string): Promise<number> {
  const res = await fetch(`${fleet.server.url}/api/v1/fleet/me`, { headers: { Authorization: `Bearer ${token}` } });
  return res.status;
}

function storedContext(home: FleetctlHome, name = 'default'): Record<string, unknown> {
  return parse(readFileSync(home.configPath, 'utf8')).contexts[name];
}

describe('fleetctl config', () => {
  let home: FleetctlHome;
  beforeEach(() => (home = new FleetctlHome()));
  afterEach(() => home.remove());

  it('sets every key of the default context in a file only the owner can read', async () => {
    const res = await home.run([
      'config', 'set',
      '--address', 'https://fleet.example.com:8080',
      '--email', 'ops@example.com',
      '--token', 'sekrit-token',
      '--tls-skip-verify',
      '--rootca', '/etc/fleet/ca.pem',
      '--url-prefix', '/fleet',
    ]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('[+] Set the address config key to "https://fleet.example.com:8080" in the "default" context');
    expect(res.stdout).not.toContain('sekrit-token');
    expect(storedContext(home)).toEqual({
      address: 'https://fleet.example.com:8080',
      email: 'ops@example.com',
      token: 'sekrit-token',
      'tls-skip-verify': true,
      rootca: '/etc/fleet/ca.pem',
      'url-prefix': '/fleet',
    });
    expect(statSync(home.configPath).mode & 0o777).toBe(0o600);
  });

  it('reads keys back, per context, and keeps other contexts untouched', async () => {
    await home.run(['config', 'set', '--address', 'https://a.example.com']);
    await home.run(['config', 'set', '--context', 'staging', '--address', 'https://b.example.com']);
    expect((await home.run(['config', 'get', 'address'])).stdout).toBe('  default.address => https://a.example.com\n');
    expect((await home.run(['config', 'get', 'address', '--context', 'staging'])).stdout).toBe('  staging.address => https://b.example.com\n');
    expect((await home.run(['config', 'get', 'tls-skip-verify'])).stdout).toBe('  default.tls-skip-verify => false\n');
  });

  it('uses the file named by --config or CONFIG instead of ~/.fleet/config', async () => {
    const other = `${home.dir}/elsewhere.yml`;
    expect((await home.run(['config', 'set', '--config', other, '--email', 'x@example.com'])).code).toBe(0);
    expect(parse(readFileSync(other, 'utf8')).contexts.default.email).toBe('x@example.com');
    expect((await home.run(['config', 'get', 'email'], { env: { CONFIG: other } })).stdout).toContain('x@example.com');
  });

  it('refuses unknown keys, empty sets, bad booleans and unknown contexts with one line and a non-zero exit', async () => {
    const unknown = await home.run(['config', 'get', 'password']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Error: "password" is an invalid key: use one of address, email, token, tls-skip-verify, rootca, url-prefix\n');
    expect((await home.run(['config', 'set'])).code).toBe(1);
    const badBool = await home.run(['config', 'set', '--tls-skip-verify', 'maybe']);
    expect(badBool).toMatchObject({ code: 1, stderr: 'Error: error parsing "maybe" as bool\n' });
    const noContext = await home.run(['config', 'get', 'address', '--context', 'nope']);
    expect(noContext).toMatchObject({ code: 1, stderr: 'Error: context "nope" is not found\n' });
  });

  it('reports a config file that is not YAML', async () => {
    home.file('.fleet-config-broken', 'contexts: [unclosed');
    const res = await home.run(['config', 'get', 'address', '--config', `${home.dir}/.fleet-config-broken`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^Error: error reading config at .*\.fleet-config-broken: /);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('fleetctl setup, login, logout', () => {
  let fleet: RunningFleet;
  let home: FleetctlHome;
  beforeAll(async () => {
    fleet = await startFleet('inmem', () => undefined, { setup: false });
  });
  afterAll(() => fleet.close());
  beforeEach(() => {
    home = new FleetctlHome();
    home.writeContext({ address: fleet.server.url });
  });
  afterEach(() => home.remove());

  it('sets up a new server once, storing the admin email and a working token; a second setup is refused', async () => {
    const res = await home.run(['setup', '--email', ADMIN, '--username', 'admin', '--org-name', 'Acme'], { input: `${PASSWORD}\n` });
    expect(res).toMatchObject({ code: 0, stdout: '[+] Fleet setup successful and context configured!\n' });
    // The prompt (never the password) and where agents will be told to connect.
    expect(res.stderr).toBe(
      `Password: \n[!] the address is not https: the server URL for osquery agents is set to https://${new URL(fleet.server.url).host} (change it with --server-url or fleetctl apply of a config document)\n`,
    );
    const ctx = storedContext(home);
    expect(ctx.email).toBe(ADMIN);
    expect(await statusWithToken(fleet, ctx.token as string)).toBe(200);
    const org = await fetch(`${fleet.server.url}/api/v1/fleet/config`, { headers: { Authorization: `Bearer ${ctx.token}` } });
    expect(((await org.json()) as any).org_info.org_name).toBe('Acme');

    const again = await home.run(['setup', '--email', 'x@example.com', '--password', PASSWORD, '--server-url', 'https://fleet.example.com']);
    expect(again).toMatchObject({ code: 1, stderr: 'Error: Fleet has already been setup\n' });
  });

  it('logs in with the password from the prompt and logs out, ending the session on the server', async () => {
    const login = await home.run(['login', '--email', ADMIN], { input: `${PASSWORD}\n` });
    expect(login).toMatchObject({ code: 0, stdout: '[+] Fleet login successful and context configured!\n' });
    const token = storedContext(home).token as string;
    expect(await statusWithToken(fleet, token)).toBe(200);

    const logout = await home.run(['logout']);
    expect(logout).toMatchObject({ code: 0, stdout: '[+] Fleet logout successful and local token cleared!\n' });
    expect(storedContext(home).token).toBe('');
    expect(await statusWithToken(fleet, token)).toBe(401);
  });

  it('says the credentials were invalid for a wrong password and keeps no token', async () => {
    const res = await home.run(['login', '--email', ADMIN, '--password', 'wrong-password1!']);
    expect(res).toMatchObject({ code: 1, stderr: 'Error: The credentials supplied were invalid\n' });
    expect(storedContext(home).token).toBeUndefined();
  });

  it('explains what is missing: no address, no login, no password on a closed stdin, no server', async () => {
    const empty = new FleetctlHome();
    try {
      expect(await empty.run(['logout'])).toMatchObject({ code: 1, stderr: expect.stringContaining('set the Fleet API address') });
      empty.writeContext({ address: fleet.server.url });
      expect(await empty.run(['user', 'create', '--username', 'u', '--email', 'u@example.com', '--password', PASSWORD])).toMatchObject({
        code: 1,
        stderr: 'Error: not logged in: run fleetctl login (or fleetctl setup on a new server)\n',
      });
      expect((await empty.run(['login', '--email', ADMIN])).stderr).toContain('Error: no password given (stdin closed)');
      empty.writeContext({ address: 'http://127.0.0.1:1' });
      const refused = await empty.run(['login', '--email', ADMIN, '--password', PASSWORD]);
      expect(refused).toMatchObject({ code: 1, stderr: 'Error: cannot reach the Fleet server at http://127.0.0.1:1: ECONNREFUSED\n' });
      empty.writeContext({ address: 'http://fleet.example.com' });
      const cleartext = await empty.run(['login', '--email', ADMIN, '--password', PASSWORD]);
      expect(cleartext.stderr).toContain('address must start with https:// for remote connections');
    } finally {
      empty.remove();
    }
  });

  it('shows requests with --debug but never the token or password', async () => {
    const res = await home.run(['login', '--email', ADMIN, '--password', PASSWORD, '--debug']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`[debug] > POST ${fleet.server.url}/api/v1/fleet/login`);
    expect(res.stderr).toMatch(/\[debug\] < 200 POST \/api\/v1\/fleet\/login in \d+ ms/);
    const token = storedContext(home).token as string;
    expect(res.stderr).not.toContain(token);
    expect(res.stderr).not.toContain(PASSWORD);
  });
});

describe('fleetctl user create', () => {
  let fleet: RunningFleet;
  let admin: FleetctlHome;
  adminFleetctl((f, h) => {
    fleet = f;
    admin = h;
  });

  it('creates a user who must change the password at first login', async () => {
    const res = await admin.run(['user', 'create', '--username', 'bob', '--email', 'bob@example.com'], { input: 'Bobs-p4ssword!\n' });
    expect(res).toMatchObject({ code: 0, stdout: '[+] Created user bob <bob@example.com>\n' });
    const { users } = await fleet.api.get('/users');
    expect(users.find((u: { username: string }) => u.username === 'bob')).toMatchObject({
      email: 'bob@example.com',
      admin: false,
      force_password_reset: true,
    });
  });

  it('creates admins with --admin', async () => {
    expect((await admin.run(['user', 'create', '--username', 'carol', '--email', 'carol@example.com', '--password', 'Car0l-p4ssword!', '--admin'])).code).toBe(0);
    const { users } = await fleet.api.get('/users');
    expect(users.find((u: { username: string }) => u.username === 'carol').admin).toBe(true);
  });

  it('rejects bad input: a password with --sso, missing flags, a weak password, a non-admin caller', async () => {
    expect(await admin.run(['user', 'create', '--username', 'd', '--email', 'd@example.com', '--sso', '--password', 'x'])).toMatchObject({
      code: 1,
      stderr: 'Error: Password may not be provided for SSO users\n',
    });
    const missing = await admin.run(['user', 'create', '--username', 'd']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--email <email>' not specified");
    const weak = await admin.run(['user', 'create', '--username', 'e', '--email', 'e@example.com', '--password', 'short']);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/^Error: .+: .+\n$/); // Fleet's "<message>: <reason>"

    const bobHome = new FleetctlHome();
    try {
      bobHome.writeContext({ address: fleet.server.url });
      await admin.run(['user', 'create', '--username', 'frank', '--email', 'frank@example.com', '--password', 'Fr4nk-p4ssword!']);
      const login = await bobHome.run(['login', '--email', 'frank@example.com', '--password', 'Fr4nk-p4ssword!']);
      expect(login.code).toBe(0);
      const denied = await bobHome.run(['user', 'create', '--username', 'g', '--email', 'g@example.com', '--password', 'G00d-p4ssword!']);
      expect(denied.code).toBe(1);
      expect(denied.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    } finally {
      bobHome.remove();
    }
  });

  it('rejects a stale token with a one-line error', async () => {
    const stale = new FleetctlHome();
    try {
      stale.writeContext({ address: fleet.server.url, token: 'not-a-real-token' });
      const res = await stale.run(['user', 'create', '--username', 'h', '--email', 'h@example.com', '--password', 'H00d-p4ssword!']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^Error: .+\n$/);
    } finally {
      stale.remove();
    }
  });
});

describe('fleetctl itself', () => {
  it('prints its version and help, and rejects unknown commands with exit code 2', async () => {
    const home = new FleetctlHome();
    try {
      expect((await home.run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/);
      expect((await home.run(['--help'])).stdout).toContain('Usage: fleetctl');
      const unknown = await home.run(['frobnicate']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    } finally {
      home.remove();
    }
  });
});
