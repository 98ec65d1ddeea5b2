// The agent's one-row tables (os_version, system_info, osquery_info, uptime,
// osquery_flags) in both forms osquery sends them: enroll `host_details` (raw table
// generator output, alphabetical, unnormalised) and detail-query rows (through SQLite).
import type { AgentIdentity } from './identity';
import { padCpuBrand, sortedRow } from './templates/common';
import type { Row } from './templates';

/** Mutable facts that change while the agent runs. */
export interface AgentRuntime {
  /** Unix seconds when this osqueryd "started". */
  startTime: number;
  /** sha1 of the last applied config; '' before the first one (config_valid "0"). */
  configHash: string;
  uptimeSeconds: number;
  intervals: { configMs: number; distributedMs: number; loggerMs: number };
}

export function osqueryInfoRow(id: AgentIdentity, rt: AgentRuntime): Row {
  const t = id.template;
  return {
    pid: String(id.osqueryPid),
    uuid: id.uuid,
    instance_id: id.instanceId,
    version: t.osqueryVersion,
    config_hash: rt.configHash,
    config_valid: rt.configHash ? '1' : '0',
    extensions: 'active',
    build_platform: t.buildPlatform,
    build_distro: t.buildDistro,
    start_time: String(rt.startTime),
    watcher: String(id.watcherPid),
    platform_mask: t.platformMask,
  };
}

export function uptimeRow(rt: AgentRuntime): Row {
  const total = Math.floor(rt.uptimeSeconds);
  return {
    days: String(Math.floor(total / 86400)),
    hours: String(Math.floor((total % 86400) / 3600)),
    minutes: String(Math.floor((total % 3600) / 60)),
    seconds: String(total % 60),
    total_seconds: String(total),
  };
}

/** Flags are whole seconds; sub-second test intervals report 1 so Fleet never sees 0. */
function seconds(ms: number): string {
  return String(Math.max(1, Math.round(ms / 1000)));
}

/** Echoes the agent's real intervals so Fleet computes online status correctly.
 *  Modern osquery omits the `config_tls_refresh` alias from this table. */
export function osqueryFlagsRows(rt: AgentRuntime): Row[] {
  return [
    { name: 'config_refresh', value: seconds(rt.intervals.configMs) },
    { name: 'distributed_interval', value: seconds(rt.intervals.distributedMs) },
    { name: 'logger_tls_period', value: seconds(rt.intervals.loggerMs) },
  ];
}

export function systemInfoRow(id: AgentIdentity): Row {
  return id.template.systemInfoRow(id);
}

/** enroll `host_details`: tables in alphabetical order, each a flat string map. */
export function enrollHostDetails(id: AgentIdentity, rt: AgentRuntime): Record<string, Row> {
  const t = id.template;
  const system = { ...t.systemInfoRow(id) };
  if (system.cpu_type?.startsWith('x86')) system.cpu_brand = padCpuBrand(system.cpu_brand ?? '');
  return {
    os_version: { ...t.osVersionEnroll },
    osquery_info: sortedRow(osqueryInfoRow(id, rt)),
    platform_info: sortedRow(t.platformInfo(id)),
    system_info: sortedRow(system, t.systemInfoEnrollOmit),
  };
}

/** The one-row tables the label engine and decorators can read. */
export function factTables(id: AgentIdentity, rt: AgentRuntime): Record<string, Row> {
  return {
    os_version: { ...id.template.osVersionRow },
    system_info: systemInfoRow(id),
    osquery_info: osqueryInfoRow(id, rt),
    uptime: uptimeRow(rt),
  };
}
