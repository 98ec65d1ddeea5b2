// `fleetctl query` end to end: the real fleetctl process against a real in-memory server,
// with simulated osquery agents answering the live queries it starts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Simulation } from '../../cmd/osquery-perf/simulation';
import { eventually, simulateAgents, startFleet, type RunningFleet } from '../e2e/support';
import { FleetctlHome, type FleetctlResult } from './support';

const HOUR = 3600;
const SQL = 'select name, version from osquery_info';
const LIVE_QUERY_PREFIX = 'fleet_distributed_query_';

const simulate = (fleet: RunningFleet, secret: string, hostCount: number, seed: number, extra: { liveQueryErrorRate?: number } = {}): Simulation =>
  simulateAgents(fleet.server.url, secret, hostCount, seed, extra);

const hostnamesOf = (sim: Simulation): string[] => sim.agents.map((a) => a.identity.hostname).sort();

/** An enrolled host that never answers: it is online (just seen) but reads only when told to. */
class SilentHost {
  readonly hostname = `silent-${randomBytes(4).toString('hex')}`;
  private nodeKey = '';

  constructor(private readonly baseUrl: string) {}

  async enroll(secret: string): Promise<this> {
    const body = await this.post('/api/v1/osquery/enroll', {
      enroll_secret: secret,
      host_identifier: this.hostname,
      host_details: { system_info: { hostname: this.hostname, uuid: randomBytes(8).toString('hex') } },
    });
    this.nodeKey = body.node_key;
    return this;
  }

  /** Names of the live queries the server would send this host now. */
  async pendingLiveQueries(): Promise<string[]> {
    const body = await this.post('/api/v1/osquery/distributed/read', { node_key: this.nodeKey });
    return Object.keys(body.queries ?? {}).filter((name) => name.startsWith(LIVE_QUERY_PREFIX));
  }

  private async post(path: string, payload: unknown): Promise<any> {
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }
}

/** stdout as the JSON lines fleetctl printed, sorted by host. */
function jsonLines(res: FleetctlResult): Array<{ host: string; rows: Array<Record<string, string>> }> {
  return res.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l))
    .sort((a, b) => a.host.localeCompare(b.host));
}

/** What a successful run prints for these hosts: their rows, each tagged with its hostname. */
function expectResultsFrom(res: FleetctlResult, hostnames: string[], columns = ['host_hostname', 'name', 'version']): void {
  const lines = jsonLines(res);
  expect(lines.map((l) => l.host)).toEqual([...hostnames].sort());
  for (const line of lines) {
    expect(line.rows.length).toBeGreaterThan(0);
    for (const row of line.rows) {
      expect(Object.keys(row).sort()).toEqual(columns);
      expect(row.host_hostname).toBe(line.host);
    }
  }
}

describe('fleetctl query', () => {
  let fleet: RunningFleet;
  let sim: Simulation;
  let secret: string;
  let hosts: string[];
  const home = new FleetctlHome();
  const query = (args: string[], timeoutMs = 15_000) => home.run(['query', ...args], { timeoutMs });

  beforeAll(async () => {
    fleet = await startFleet('inmem', (c) => {
      c.osquery.detail_update_interval_seconds = HOUR;
      c.osquery.label_update_interval_seconds = HOUR;
    });
    const { specs } = await fleet.api.get('/spec/enroll_secret');
    secret = specs.secrets[0].secret;
    sim = simulate(fleet, secret, 3, 6006);
    hosts = hostnamesOf(sim);
    // Targeting by label needs the agents to have answered the label queries first.
    const { labels } = await fleet.api.get('/labels');
    const allHosts = labels.find((l: { name: string }) => l.name === 'All Hosts');
    await eventually(async () => {
      const members = await fleet.api.get(`/labels/${allHosts.id}/hosts`);
      expect(members.hosts.map((h: { hostname: string }) => h.hostname).sort()).toEqual(hosts);
    }, 20_000);
    home.writeContext({ address: fleet.server.url, token: fleet.api.sessionToken });
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
    await fleet?.close();
    home.remove();
  }, 30_000);

  it('runs a query on hosts named with --hosts and, with --exit, ends once they all answered', async () => {
    const res = await query(['--hosts', `${hosts[0]},${hosts[1]}`, '--query', SQL, '--exit']);
    expect(res.code).toBe(0);
    expectResultsFrom(res, hosts.slice(0, 2));
    // Not a terminal: no progress redrawing, only the final status line.
    expect(res.stderr).toBe(' 100% responded (100% online) | 2/2 targeted hosts (2/2 online)\n');
  });

  it('runs a query on a label and ends by itself when every targeted host answered (no --exit)', async () => {
    const res = await query(['--labels', 'All Hosts', '--query', SQL]);
    expect(res.code).toBe(0);
    expectResultsFrom(res, hosts);
    expect(res.stderr).toBe(' 100% responded (100% online) | 3/3 targeted hosts (3/3 online)\n');
  });

  it('runs the SQL of a saved query named with --query-name', async () => {
    const saved = await fleet.api.request('POST', '/spec/queries', { specs: [{ name: 'osquery versions', query: 'select version from osquery_info' }] });
    expect(saved.status).toBe(200);
    const res = await query(['--hosts', hosts[2]!, '--query-name', 'osquery versions', '--exit']);
    expect(res.code).toBe(0);
    // The simulated agents answer with the columns the SQL selects.
    expectResultsFrom(res, [hosts[2]!], ['host_hostname', 'version']);
  });

  it('prints only the results with --quiet', async () => {
    const res = await query(['--hosts', hosts.join(','), '--query', SQL, '--exit', '--quiet']);
    expect(res.code).toBe(0);
    expectResultsFrom(res, hosts);
    expect(res.stderr).toBe('');
  });

  it('prints each host as a table with --pretty', async () => {
    const res = await query(['--hosts', `${hosts[0]},${hosts[1]}`, '--query', SQL, '--exit', '--pretty']);
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines.filter((l) => /^\| HOSTNAME +\| NAME +\| VERSION +\|$/.test(l))).toHaveLength(2);
    for (const host of hosts.slice(0, 2)) expect(lines.some((l) => l.startsWith(`| ${host} `))).toBe(true);
    expect(lines.some((l) => l.startsWith('{'))).toBe(false);
  });

  it('reports a host whose query failed on stderr, and still counts it as an answer', async () => {
    const failing = simulate(fleet, secret, 1, 7007, { liveQueryErrorRate: 1 });
    try {
      const [bad] = hostnamesOf(failing);
      await eventually(async () => {
        const { hosts: listed } = await fleet.api.get('/hosts');
        expect(listed.map((h: { hostname: string }) => h.hostname)).toContain(bad);
      }, 15_000);
      const res = await query(['--hosts', `${bad},${hosts[0]}`, '--query', SQL]);
      expect(res.code).toBe(0);
      expectResultsFrom(res, [hosts[0]!]);
      expect(res.stderr).toBe(`Query failed on host ${bad}: no such table: osquery_info\n 100% responded (100% online) | 2/2 targeted hosts (2/2 online)\n`);
    } finally {
      await failing.stop();
    }
  });

  it('waits with --exit for an online host that does not answer, until --timeout stops it; the campaign is then completed', async () => {
    const silent = await new SilentHost(fleet.server.url).enroll(secret);
    const started = Date.now();
    const res = await query(['--hosts', `${silent.hostname},${hosts[0]}`, '--query', SQL, '--exit', '--timeout', '2s']);
    expect(res.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expectResultsFrom(res, [hosts[0]!]);
    expect(res.stderr).toBe(' 50% responded (50% online) | 1/2 targeted hosts (1/2 online)\nStopped by timeout\n');
    // fleetctl closed its stream: the server stopped offering the query to the silent host.
    await eventually(async () => expect(await silent.pendingLiveQueries()).toEqual([]), 5000);
  });

  it('closes the stream on Ctrl-C, so the server completes the campaign', async () => {
    const silent = await new SilentHost(fleet.server.url).enroll(secret);
    const child = spawn(process.execPath, [join(__dirname, 'fleetctl-entry.js'), 'query', '--hosts', `${silent.hostname},${hosts[0]}`, '--query', SQL], {
      env: { PATH: process.env.PATH, HOME: home.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      // A printed result proves the stream is open; the silent host keeps the query running.
      await eventually(() => expect(stdout).toContain(`"host":"${hosts[0]}"`), 10_000);
      expect(await silent.pendingLiveQueries()).toHaveLength(1);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toBe('Error: interrupted\n');
      await eventually(async () => expect(await silent.pendingLiveQueries()).toEqual([]), 5000);
    } finally {
      child.kill('SIGKILL');
    }
  });

  describe('refuses, with a one-line error and a non-zero exit', () => {
    const expectError = (res: FleetctlResult, message: string | RegExp, code = 1) => {
      expect(res.stdout).toBe('');
      if (typeof message === 'string') expect(res.stderr).toBe(`Error: ${message}\n`);
      else expect(res.stderr).toMatch(message);
      expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(res.code).toBe(code);
    };

    it('a query without targets', async () => {
      expectError(await query(['--query', SQL]), 'No hosts or labels targeted');
      // Empty names are dropped, so this targets nothing either.
      expectError(await query(['--hosts', ',', '--labels', '', '--query', SQL]), 'No hosts or labels targeted');
    });

    it('both --query and --query-name, or neither', async () => {
      expectError(await query(['--hosts', hosts[0]!, '--query', SQL, '--query-name', 'x']), '--query and --query-name must not be provided together');
      expectError(await query(['--hosts', hosts[0]!]), 'Query must be specified with --query or --query-name');
    });

    it('an unknown saved query', async () => {
      expectError(await query(['--hosts', hosts[0]!, '--query-name', 'no such query']), "Query 'no such query' not found");
    });

    it('targets that match no host (the server answers 422)', async () => {
      expectError(await query(['--hosts', 'no-such-host', '--labels', 'no such label', '--query', SQL]), /^Error: .*no hosts targeted\n$/);
    });

    it('a --timeout that is not a duration (usage error)', async () => {
      const res = await query(['--hosts', hosts[0]!, '--query', SQL, '--timeout', '10']);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('time: invalid duration "10"');
    });

    it('live queries disabled by the administrator (the server answers 403)', async () => {
      const patch = (disabled: boolean) => fleet.api.request('PATCH', '/config', { server_settings: { live_query_disabled: disabled } });
      expect((await patch(true)).status).toBe(200);
      try {
        expectError(await query(['--hosts', hosts[0]!, '--query', SQL]), /^Error: .*live queries are disabled\n$/);
      } finally {
        expect((await patch(false)).status).toBe(200);
      }
    });

    it('a bad token (the server answers 401)', async () => {
      const other = new FleetctlHome();
      try {
        other.writeContext({ address: fleet.server.url, token: 'not-a-session-token' });
        const res = await other.run(['query', '--hosts', hosts[0]!, '--query', SQL]);
        expectError(res, /^Error: Authentication Failed\b.*\n$/);
        expect(res.stderr).not.toMatch(/not found|targeted/);
      } finally {
        other.remove();
      }
    });

    it('an address where no server listens', async () => {
      const other = new FleetctlHome();
      try {
        other.writeContext({ address: 'http://127.0.0.1:1', token: 'whatever' });
        expectError(await other.run(['query', '--hosts', 'h', '--query', SQL]), 'cannot reach the Fleet server at http://127.0.0.1:1: ECONNREFUSED');
      } finally {
        other.remove();
      }
    });
  });
});
