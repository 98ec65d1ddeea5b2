// A fleet of simulated osquery agents (cmd/osquery-perf, in-process) against a real
// `fleet serve`, checked only through the admin REST API and the osquery log files: once
// on the in-memory store and once on Postgres.
import type { Agent } from '../../cmd/osquery-perf/agent';
import { startSimulation, type Simulation } from '../../cmd/osquery-perf/simulation';
import type { PlatformName } from '../../cmd/osquery-perf/templates';
import { describeIfPostgres } from '../support/services';
import { eventually, logLines, startFleet, type RunningFleet, type Store } from './support';

const HOST_COUNT = 20;
/** Exact proportions over 20 agents (the simulator assigns platforms by weighted round-robin). */
const PLATFORM_MIX = { ubuntu: 8, centos: 4, darwin: 6, windows: 2 } satisfies Record<PlatformName, number>;
const SEED = 20240611;
const QUERY_INTERVAL_MS = 400;
const LOG_INTERVAL_MS = 500;
const CONFIG_INTERVAL_MS = 3000;

/** osquery flags are whole seconds: what each agent's osquery_flags reports for our intervals. */
const FLAGS = { distributed_interval: 1, logger_tls_period: 1, config_tls_refresh: 3 };
/**
 * The server's osquery options say the same, as in a real fleet whose agents apply them:
 * Fleet saves the intervals a config names on every config fetch, so options that disagreed
 * with osquery_flags would overwrite the flags' values within one config interval.
 */
const OPTIONS_MATCHING_FLAGS: Record<string, number> = { ...FLAGS };

/** The server has the answers to the detail queries it sent since the agent last enrolled. */
const detailsSinceEnrollment = (h: { detail_updated_at: string; last_enrolled_at: string }): boolean =>
  Date.parse(h.detail_updated_at) >= Date.parse(h.last_enrolled_at);

/** What a real agent of each simulated platform puts in os_version.platform. */
const REPORTED_PLATFORM: Record<PlatformName, string> = { ubuntu: 'ubuntu', centos: 'rhel', darwin: 'darwin', windows: 'windows' };

const BUILTIN_LABEL_PLATFORMS: Record<string, PlatformName[]> = {
  'All Hosts': ['ubuntu', 'centos', 'darwin', 'windows'],
  macOS: ['darwin'],
  'Ubuntu Linux': ['ubuntu'],
  'CentOS Linux': ['centos'],
  'MS Windows': ['windows'],
};

/**
 * The detail and label refresh intervals: long enough that only "a new host / new label is
 * due at once" (not a periodic refresh) can explain what the tests see.
 */
const HOUR = 3600;

function describeSimulatedFleet(store: Store): void {
  let fleet: RunningFleet;
  let sim: Simulation;
  let startedAt: number;

  const agentsOf = (...platforms: PlatformName[]): Agent[] => sim.agents.filter((a) => platforms.includes(a.identity.platform));
  const hostnamesOf = (...platforms: PlatformName[]): string[] => agentsOf(...platforms).map((a) => a.identity.hostname).sort();
  const agentNamed = (hostname: string): Agent => {
    const agent = sim.agents.find((a) => a.identity.hostname === hostname);
    if (!agent) throw new Error(`no simulated agent is named ${hostname}`);
    return agent;
  };
  const listHosts = async (): Promise<any[]> => (await fleet.api.get('/hosts')).hosts;
  const labelNamed = async (name: string): Promise<any> => {
    const label = (await fleet.api.get('/labels')).labels.find((l: any) => l.name === name);
    if (!label) throw new Error(`no label named ${name}`);
    return label;
  };
  /** Merges `options` into the osquery options every agent's config carries. */
  const applyOptions = async (options: Record<string, unknown>) => {
    const { spec } = await fleet.api.get('/spec/osquery_options');
    spec.config.options = { ...spec.config.options, ...options };
    expect((await fleet.api.request('POST', '/spec/osquery_options', { spec })).status).toBe(200);
  };
  /** Every agent has enrolled and the server has its detail-query answers. */
  const everyHostReported = () =>
    eventually(async () => {
      const hosts = await listHosts();
      expect(hosts.map((h) => h.hostname).sort()).toEqual(hostnamesOf('ubuntu', 'centos', 'darwin', 'windows'));
      const awaitingDetails = hosts.filter((h) => !detailsSinceEnrollment(h)).map((h) => h.hostname);
      expect(awaitingDetails).toEqual([]);
      return hosts;
    }, 15_000);

  beforeAll(async () => {
    fleet = await startFleet(store, (c) => {
      c.osquery.detail_update_interval_seconds = HOUR;
      c.osquery.label_update_interval_seconds = HOUR;
    });
    await applyOptions(OPTIONS_MATCHING_FLAGS);
    const { specs } = await fleet.api.get('/spec/enroll_secret');
    const secret = specs.secrets.find((s: { name: string }) => s.name === 'default').secret as string;
    startedAt = Date.now();
    sim = startSimulation({
      serverUrl: fleet.server.url,
      enrollSecret: secret,
      hostCount: HOST_COUNT,
      seed: SEED,
      platforms: Object.entries(PLATFORM_MIX).map(([p, w]) => `${p}:${w}`).join(','),
      startPeriodMs: 500,
      queryIntervalMs: QUERY_INTERVAL_MS,
      logIntervalMs: LOG_INTERVAL_MS,
      configIntervalMs: CONFIG_INTERVAL_MS,
      statusLogIntervalMs: 500,
      enrollBackoffInitialMs: 200,
      enrollBackoffMaxMs: 1000,
      requestTimeoutMs: 5000,
    });
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
    await fleet?.close();
  }, 30_000);

  it('simulates the requested platform mix', () => {
    const counts = Object.fromEntries(Object.keys(PLATFORM_MIX).map((p) => [p, agentsOf(p as PlatformName).length]));
    expect(counts).toEqual(PLATFORM_MIX);
    expect(new Set(sim.agents.map((a) => a.identity.hostname)).size).toBe(HOST_COUNT);
  });

  it('lists exactly the simulated hosts, each with the details its agent reported', async () => {
    const hosts = await everyHostReported();
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    expect(hosts).toHaveLength(HOST_COUNT);
    for (const h of hosts) {
      const { identity } = agentNamed(h.hostname);
      expect({ hostname: h.hostname, platform: h.platform }).toEqual({
        hostname: identity.hostname,
        platform: REPORTED_PLATFORM[identity.platform],
      });
      expect(h).toMatchObject({
        uuid: identity.uuid,
        osquery_version: identity.template.osqueryVersion,
        hardware_serial: identity.hardwareSerial,
        computer_name: identity.computerName,
        primary_ip: identity.ipv4,
        primary_mac: identity.macs[0],
        ...FLAGS,
        status: 'online',
        display_text: identity.hostname,
        enroll_secret_name: 'default',
      });
      expect(h.os_version).not.toBe('');
      for (const field of ['cpu_brand', 'cpu_type', 'hardware_vendor', 'hardware_model']) expect(h[field]).not.toBe('');
      expect(h.memory).toBeGreaterThan(0);
      expect(h.cpu_logical_cores).toBeGreaterThan(0);
      // Uptime is a Go duration: whole seconds (osquery's total_seconds) times 1e9.
      expect(h.uptime % 1e9).toBe(0);
      expect(h.uptime / 1e9).toBeGreaterThanOrEqual(identity.initialUptimeSeconds);
      expect(h.uptime / 1e9).toBeLessThanOrEqual(identity.initialUptimeSeconds + elapsedSeconds + 1);
    }
    expect(hosts.filter((h) => h.os_version.startsWith('CentOS')).map((h) => h.hostname).sort()).toEqual(hostnamesOf('centos'));
  });

  it('counts every simulated host as online in the host summary', async () => {
    await everyHostReported();
    const summary = await fleet.api.get('/host_summary');
    expect(summary).toMatchObject({ online_count: HOST_COUNT, offline_count: 0, mia_count: 0, new_count: HOST_COUNT });
  });

  it('counts builtin label members by platform (CentOS agents, reporting rhel, through their os_version name)', async () => {
    await eventually(async () => {
      for (const [name, platforms] of Object.entries(BUILTIN_LABEL_PLATFORMS)) {
        const label = await labelNamed(name);
        expect({ name, count: label.count }).toEqual({ name, count: agentsOf(...platforms).length });
      }
    }, 15_000);
    for (const [name, platforms] of Object.entries(BUILTIN_LABEL_PLATFORMS)) {
      const label = await labelNamed(name);
      const members = (await fleet.api.get(`/labels/${label.id}/hosts`)).hosts.map((h: any) => h.hostname).sort();
      expect({ name, members }).toEqual({ name, members: hostnamesOf(...platforms) });
    }
  });

  it('sends a new label to the agents at once and shows who matched it', async () => {
    await everyHostReported();
    const created = await fleet.api.request('POST', '/labels', {
      name: 'Linux servers',
      query: "select 1 from os_version where platform = 'ubuntu' or name like '%centos%';",
    });
    expect(created.status).toBe(200);
    const id = created.body.label.id as number;
    expect(created.body.label).toMatchObject({ name: 'Linux servers', label_type: 'regular', label_membership_type: 'dynamic', count: 0 });

    const label = await eventually(async () => {
      const body = await fleet.api.get(`/labels/${id}`);
      expect(body.label.count).toBe(PLATFORM_MIX.ubuntu + PLATFORM_MIX.centos);
      return body.label;
    }, 10_000);
    expect(label.host_count).toBe(PLATFORM_MIX.ubuntu + PLATFORM_MIX.centos);
    const members = (await fleet.api.get(`/labels/${id}/hosts`)).hosts.map((h: any) => h.hostname).sort();
    expect(members).toEqual(hostnamesOf('ubuntu', 'centos'));
  });

  it('sends a platform-restricted label only to hosts of that platform', async () => {
    await everyHostReported();
    const labelQueriesBefore = sim.stats().events.labelQueries;
    const created = await fleet.api.request('POST', '/labels', { name: 'Every Mac', query: 'select 1;', platform: 'darwin' });
    expect(created.status).toBe(200);
    const id = created.body.label.id as number;

    await eventually(async () => {
      const members = (await fleet.api.get(`/labels/${id}/hosts`)).hosts.map((h: any) => h.hostname).sort();
      expect(members).toEqual(hostnamesOf('darwin'));
    }, 10_000);
    expect(sim.stats().events.labelQueries).toBeGreaterThan(labelQueriesBefore);
  });

  it('finds a host by its identifier, with the labels it belongs to', async () => {
    await everyHostReported();
    const centos = agentsOf('centos')[0]!.identity;
    const { host } = await eventually(async () => {
      const body = await fleet.api.get(`/hosts/identifier/${encodeURIComponent(centos.hostname)}`);
      const names = (body.host.labels ?? []).map((l: any) => l.name);
      expect(names).toEqual(expect.arrayContaining(['All Hosts', 'CentOS Linux']));
      return body;
    }, 15_000);
    expect(host).toMatchObject({ hostname: centos.hostname, uuid: centos.uuid, platform: 'rhel', status: 'online' });
    const builtins = host.labels.map((l: any) => l.name).filter((n: string) => n in BUILTIN_LABEL_PLATFORMS).sort();
    expect(builtins).toEqual(['All Hosts', 'CentOS Linux']);
    const byUuid = await fleet.api.get(`/hosts/identifier/${encodeURIComponent(centos.uuid)}`);
    expect(byUuid.host.id).toBe(host.id);
  });

  it('writes the agents’ status log lines to the status log file, one JSON object per line', async () => {
    const lines = await eventually(() => {
      const lines = logLines(fleet.statusLogFile);
      const reporters = new Set(lines.map((l) => JSON.parse(l).hostIdentifier));
      expect([...reporters].sort()).toEqual(hostnamesOf('ubuntu', 'centos', 'darwin', 'windows'));
      return lines;
    }, 15_000);
    for (const line of lines) {
      const parsed = JSON.parse(line);
      expect(parsed).toEqual(expect.objectContaining({ hostIdentifier: expect.any(String), message: expect.any(String) }));
      expect(Array.isArray(parsed)).toBe(false);
    }
    // No packs are configured, so no agent has anything scheduled to log results for.
    expect(logLines(fleet.resultLogFile)).toEqual([]);
    expect(sim.stats().events.resultLinesSent).toBe(0);
  });

  it('records the intervals a served config sets on the hosts that fetch it, as Fleet 3.x does', async () => {
    await everyHostReported();
    const intervalsOfEveryHost = async (expected: Record<string, number>) => {
      const hosts = await listHosts();
      const off = hosts
        .filter((h) => Object.entries(expected).some(([k, v]) => h[k] !== v))
        .map((h) => `${h.hostname}: ${Object.keys(expected).map((k) => `${k}=${h[k]}`).join(' ')}`);
      expect(off).toEqual([]);
    };
    try {
      await applyOptions({ distributed_interval: 7, logger_tls_period: 9 });
      // Within one config refresh (3 s) every agent has fetched the new config.
      await eventually(() => intervalsOfEveryHost({ distributed_interval: 7, logger_tls_period: 9, config_tls_refresh: 3 }), 10_000);
    } finally {
      await applyOptions(OPTIONS_MATCHING_FLAGS);
    }
    await eventually(() => intervalsOfEveryHost(FLAGS), 10_000);
  });

  it('makes a deleted host’s agent re-enroll as a new host with the same name', async () => {
    await everyHostReported();
    const windows = agentsOf('windows')[0]!.identity;
    const before = (await listHosts()).find((h) => h.hostname === windows.hostname);
    const statsBefore = sim.stats();

    expect((await fleet.api.request('DELETE', `/hosts/${before.id}`)).status).toBe(200);
    expect((await fleet.api.request('GET', `/hosts/${before.id}`)).status).toBe(404);

    const after = await eventually(async () => {
      const hosts = await listHosts();
      expect(hosts).toHaveLength(HOST_COUNT);
      const host = hosts.find((h) => h.hostname === windows.hostname);
      expect(host).toBeDefined();
      expect(detailsSinceEnrollment(host)).toBe(true);
      return host;
    }, 10_000);
    expect(after.id).not.toBe(before.id);
    expect(after).toMatchObject({ uuid: windows.uuid, platform: 'windows', status: 'online', enroll_secret_name: 'default' });

    const stats = sim.stats();
    expect(stats.events.reenrollments).toBe(statsBefore.events.reenrollments + 1);
    const nodeInvalid = (s: typeof stats) => Object.values(s.endpoints).reduce((n, e) => n + e.nodeInvalid, 0);
    expect(nodeInvalid(stats)).toBeGreaterThan(nodeInvalid(statsBefore));

    // The new row is evaluated afresh: it is back in its builtin labels.
    await eventually(async () => {
      const { host } = await fleet.api.get(`/hosts/identifier/${encodeURIComponent(windows.hostname)}`);
      expect((host.labels ?? []).map((l: any) => l.name)).toEqual(expect.arrayContaining(['All Hosts', 'MS Windows']));
    }, 10_000);
    expect((await labelNamed('All Hosts')).count).toBe(HOST_COUNT);
  });
}

describe('a simulated fleet on the in-memory store', () => describeSimulatedFleet('inmem'));
describeIfPostgres('a simulated fleet on Postgres', () => describeSimulatedFleet('postgres'));
