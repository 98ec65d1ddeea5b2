import type { Client } from 'pg';

/** The node key of seeded host `i` (its hash is stored, as for enrolled hosts). */
export const benchNodeKey = (i: number) => `bench-node-key-${i}`;

/**
 * Inserts `count` hosts with known node keys, fresh details and labels (nothing due),
 * seen within the last 90 s, over four platforms — fast, with SQL, for large-fleet benches.
 */
export async function seedHosts(c: Client, count: number): Promise<void> {
  await c.query(
    `INSERT INTO hosts (osquery_host_id, node_key_hash, enroll_secret_name, host_name, uuid, hardware_serial, primary_ip,
       platform, osquery_version, os_version, distributed_interval, config_tls_refresh, logger_tls_period,
       detail_update_time, label_update_time, created_at, uptime, physical_memory)
     SELECT 'host-' || i, encode(sha256(convert_to('bench-node-key-' || i, 'UTF8')), 'hex'), 'default',
       'host-' || i || '.example.com', md5(i::text), 'SN' || i, '10.' || (i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256),
       (ARRAY['ubuntu','centos','darwin','windows'])[1 + i % 4], '5.12.1', 'Bench OS', 10, 60, 10,
       now(), now() + interval '1 hour', now() - (i % 48) * interval '1 hour', 3600, 17179869184
     FROM generate_series(1, $1) AS i`,
    [count],
  );
  await c.query(
    `INSERT INTO host_seen_times (host_id, seen_time, online_window_s)
     SELECT id, now() - (id % 90) * interval '1 second', LEAST(distributed_interval, config_tls_refresh) + 30 FROM hosts`,
  );
}
