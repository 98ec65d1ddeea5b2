import type { HostWithStatus, Label } from '../../internal/fleet';
import { labelJSON } from './labels.serialize';
import { fleetTime } from './serialize';

export interface HostJSONOptions {
  /** `additional_info_filters`: show exactly these keys of `additional` (null when missing). */
  additionalKeys?: string[];
}

/** The `additional` object a host shows: all of it, or only the requested keys. */
function additionalJSON(stored: Record<string, unknown> | null, keys?: string[]): Record<string, unknown> | null {
  if (!keys) return stored;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = stored && Object.prototype.hasOwnProperty.call(stored, k) ? stored[k] : null;
  return out;
}

/** Fleet reports uptime as a Go duration: nanoseconds. */
function uptimeNanoseconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1e9) : 0;
}

/**
 * Fleet's host response, in its field order (spec rest-api.md §3). The node key and the
 * osquery host identifier are never included.
 */
export function hostJSON(h: HostWithStatus, opts: HostJSONOptions = {}) {
  const additional = additionalJSON(h.additional, opts.additionalKeys);
  return {
    created_at: fleetTime(h.created_at),
    updated_at: fleetTime(h.updated_at),
    id: h.id,
    detail_updated_at: fleetTime(h.detail_updated_at),
    label_updated_at: fleetTime(h.label_updated_at),
    last_enrolled_at: fleetTime(h.last_enrolled_at),
    seen_time: fleetTime(h.seen_time),
    hostname: h.hostname,
    uuid: h.uuid,
    platform: h.platform,
    osquery_version: h.osquery_version,
    os_version: h.os_version,
    build: h.build,
    platform_like: h.platform_like,
    code_name: h.code_name,
    uptime: uptimeNanoseconds(h.uptime),
    memory: h.memory,
    cpu_type: h.cpu_type,
    cpu_subtype: h.cpu_subtype,
    cpu_brand: h.cpu_brand,
    cpu_physical_cores: h.cpu_physical_cores,
    cpu_logical_cores: h.cpu_logical_cores,
    hardware_vendor: h.hardware_vendor,
    hardware_model: h.hardware_model,
    hardware_version: h.hardware_version,
    hardware_serial: h.hardware_serial,
    computer_name: h.computer_name,
    primary_ip: h.primary_ip,
    primary_mac: h.primary_mac,
    distributed_interval: h.distributed_interval,
    config_tls_refresh: h.config_tls_refresh,
    logger_tls_period: h.logger_tls_period,
    ...(additional !== null ? { additional } : {}),
    enroll_secret_name: h.enroll_secret_name,
    status: h.status,
    display_text: h.hostname,
  };
}

/** Host-by-identifier: the host plus the labels it belongs to (`labels` omitted when none). */
export function hostWithLabelsJSON(h: HostWithStatus, labels: Label[]) {
  return { ...hostJSON(h), ...(labels.length > 0 ? { labels: labels.map((l) => labelJSON(l)) } : {}) };
}
