// Shapes of what the simulator sends, compared key-for-key (and in order) with the
// osqueryd fixtures for the same platform.
import { detailRows, DETAIL_NAMES } from '../../cmd/osquery-perf/detail-queries';
import { enrollHostDetails, type AgentRuntime } from '../../cmd/osquery-perf/host-details';
import { createIdentity } from '../../cmd/osquery-perf/identity';
import type { PlatformName } from '../../cmd/osquery-perf/templates';
import { describeWithFixtures, fixture } from './fixtures';

const runtime = (configHash = ''): AgentRuntime => ({
  startTime: 1614592685,
  configHash,
  uptimeSeconds: 1210391,
  intervals: { configMs: 60_000, distributedMs: 10_000, loggerMs: 10_000 },
});

const PLATFORMS: PlatformName[] = ['ubuntu', 'centos', 'darwin', 'windows'];
const PLATFORM_TYPE: Record<PlatformName, string> = { ubuntu: '9', centos: '9', darwin: '21', windows: '2' };

describeWithFixtures.each(PLATFORMS)('%s template vs fixtures', (platform) => {
  const id = createIdentity(99, 3, platform);

  it('enroll host_details has the fixture tables, keys (in order) and string values', () => {
    const want = fixture(`enroll-${platform}.json`).host_details;
    const got = enrollHostDetails(id, runtime());
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const table of Object.keys(want)) {
      expect({ table, keys: Object.keys(got[table]!) }).toEqual({ table, keys: Object.keys(want[table]) });
      for (const v of Object.values(got[table]!)) expect(typeof v).toBe('string');
    }
    expect(got.system_info!.hostname).toBe(id.hostname);
    expect(got.system_info!.hardware_serial).toBe(id.hardwareSerial);
    expect(got.osquery_info!.platform_mask).toBe(PLATFORM_TYPE[platform]);
    expect(got.osquery_info!.config_valid).toBe('0');
  });

  it('detail rows have the fixture keys in SQLite column order', () => {
    const want = fixture(`distributed-write-details-${platform}.json`).queries;
    for (const name of DETAIL_NAMES) {
      const rows = detailRows(name, id, runtime('abc'))!;
      const fixtureRows = want[`fleet_detail_query_${name}`];
      expect({ name, keys: Object.keys(rows[0]!) }).toEqual({ name, keys: Object.keys(fixtureRows[0]) });
      for (const row of rows) for (const v of Object.values(row)) expect(typeof v).toBe('string');
    }
    // osquery_flags: the same three flags, by name.
    expect(detailRows('osquery_flags', id, runtime())!.map((r) => r.name)).toEqual(
      want.fleet_detail_query_osquery_flags.map((r: { name: string }) => r.name),
    );
    // As many interfaces as the fixture host, primary IP/MAC from the identity.
    const nics = detailRows('network_interface', id, runtime())!;
    expect(nics).toHaveLength(want.fleet_detail_query_network_interface.length);
    expect(nics).toContainEqual({ address: id.ipv4, mac: id.macs[0] });
  });

  it('detail values are consistent with the identity and runtime', () => {
    const [sys] = detailRows('system_info', id, runtime())!;
    expect(sys).toMatchObject({ hostname: id.hostname, uuid: id.uuid, hardware_serial: id.hardwareSerial, physical_memory: String(id.physicalMemory) });
    expect(sys!.cpu_brand).not.toContain('\u0000'); // SQLite cuts at NUL
    const [info] = detailRows('osquery_info', id, runtime('abc'))!;
    expect(info).toMatchObject({ uuid: id.uuid, instance_id: id.instanceId, config_hash: 'abc', config_valid: '1', pid: String(id.osqueryPid) });
    expect(detailRows('uptime', id, runtime())![0]).toEqual({ days: '14', hours: '0', minutes: '13', seconds: '11', total_seconds: '1210391' });
    expect(detailRows('osquery_flags', id, runtime())).toEqual([
      { name: 'config_refresh', value: '60' },
      { name: 'distributed_interval', value: '10' },
      { name: 'logger_tls_period', value: '10' },
    ]);
    expect(detailRows('software_macos', id, runtime())).toBeUndefined();
  });
});

describeWithFixtures('os_version facts per platform', () => {
  it('matches the fixture os_version rows exactly (same OS releases)', () => {
    for (const p of PLATFORMS) {
      const want = fixture(`distributed-write-details-${p}.json`).queries.fleet_detail_query_os_version[0];
      expect(detailRows('os_version', createIdentity(1, 0, p), runtime())![0]).toEqual(want);
    }
  });
});
