import { randomBytes } from 'node:crypto';
import { hashToken } from '../../internal/crypto/tokens';
import type { Host, HostDetails } from '../../internal/fleet';
import type { TestApp } from '../support/test-app';

let seq = 0;

export interface HostFixture {
  hostname?: string;
  /** Seconds before the clock's now that the host was created (enrolled). Default 0. */
  createdAgo?: number;
  /** Seconds before the clock's now that the host was last seen. Default 0. */
  seenAgo?: number;
  details?: Partial<HostDetails>;
  osqueryHostId?: string;
}

export interface EnrolledHost {
  host: Host;
  nodeKey: string;
  nodeKeyHash: string;
  osqueryHostId: string;
}

/** Enrolls a host straight into the store, with times relative to the test clock. */
export async function enrollHost(t: TestApp, f: HostFixture = {}): Promise<EnrolledHost> {
  const n = ++seq;
  const now = t.clock.now().getTime();
  const nodeKey = randomBytes(24).toString('base64');
  const nodeKeyHash = hashToken(nodeKey);
  const osqueryHostId = f.osqueryHostId ?? `osquery-id-${n}-${randomBytes(4).toString('hex')}`;
  const { host } = await t.ds.enrollHost({
    osqueryHostId,
    nodeKeyHash,
    enrollSecretName: 'default',
    now: new Date(now - (f.createdAgo ?? 0) * 1000),
    details: {},
  });
  await t.ds.updateHost(host.id, {
    details: {
      hostname: f.hostname ?? `host-${n}`,
      uuid: `uuid-${n}-${randomBytes(4).toString('hex')}`,
      platform: 'ubuntu',
      osquery_version: '4.6.0',
      distributed_interval: 10,
      config_tls_refresh: 60,
      logger_tls_period: 10,
      ...f.details,
    },
    detail_updated_at: new Date(now),
  });
  await t.ds.markHostsSeen([host.id], new Date(now - (f.seenAgo ?? 0) * 1000));
  return { host: await t.ds.host(host.id), nodeKey, nodeKeyHash, osqueryHostId };
}

/** Makes the host a member (or not) of the label, as a label query result would. */
export async function setMembership(t: TestApp, hostId: number, labelId: number, member: boolean): Promise<void> {
  await t.ds.updateHost(hostId, { labels: { results: [[labelId, member]], at: t.clock.now() } });
}

export const HOST_KEYS = [
  'created_at',
  'updated_at',
  'id',
  'detail_updated_at',
  'label_updated_at',
  'last_enrolled_at',
  'seen_time',
  'hostname',
  'uuid',
  'platform',
  'osquery_version',
  'os_version',
  'build',
  'platform_like',
  'code_name',
  'uptime',
  'memory',
  'cpu_type',
  'cpu_subtype',
  'cpu_brand',
  'cpu_physical_cores',
  'cpu_logical_cores',
  'hardware_vendor',
  'hardware_model',
  'hardware_version',
  'hardware_serial',
  'computer_name',
  'primary_ip',
  'primary_mac',
  'distributed_interval',
  'config_tls_refresh',
  'logger_tls_period',
  'enroll_secret_name',
  'status',
  'display_text',
];

/** HOST_KEYS with `additional` in its place (before enroll_secret_name). */
export const HOST_KEYS_WITH_ADDITIONAL = [...HOST_KEYS.slice(0, -3), 'additional', ...HOST_KEYS.slice(-3)];
