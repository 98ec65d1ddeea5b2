// The six detail queries of Fleet 3.x (spec §4), their SQL and how each answer is turned
// into host facts. Ingest functions are pure: they read rows and write into a patch, so a
// whole distributed/write can be validated in memory before anything is saved.
import { isIP } from 'node:net';
import type { HostDetails } from '../../internal/fleet';

export type Row = Record<string, string>;
export type DetailPatch = Partial<HostDetails>;

/** An agent answer that cannot be ingested (non-numeric integer, …): fails the whole write. */
export class IngestError extends Error {}

export interface DetailQuery {
  sql: string;
  /** Applies `rows` to `patch`; throws IngestError on a value that does not parse. */
  ingest(rows: Row[], patch: DetailPatch): void;
}

/**
 * Fleet's integer parse: an empty string is 0, anything that is not a base-10 integer is an
 * error (Go's strconv.Atoi/ParseInt).
 */
export function parseAgentInt(value: string | undefined, what: string, max: number = INT32_MAX): number {
  if (value === undefined || value === '') return 0;
  if (!/^[+-]?\d{1,19}$/.test(value)) throw new IngestError(`parsing ${what}: invalid integer ${JSON.stringify(clip(value))}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || Math.abs(n) > max) {
    throw new IngestError(`parsing ${what}: integer out of range ${JSON.stringify(clip(value))}`);
  }
  return n;
}

/** Column ranges: counts and intervals are 32-bit; memory and uptime 64-bit (safe integers here). */
export const INT32_MAX = 2_147_483_647;
const INT64_SAFE = Number.MAX_SAFE_INTEGER;

/** Longest text kept in a host column (Fleet's VARCHAR(255)); agents never send more. */
export const MAX_TEXT = 255;

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

/** Only a single-row answer is ingested for the `limit 1` tables (Fleet ignores others). */
function singleRow(rows: Row[]): Row | undefined {
  return rows.length === 1 ? rows[0] : undefined;
}

/**
 * A text fact as stored: cut at the first NUL (as SQLite does for query answers; enrollment
 * details come unfiltered from osquery's table generators, e.g. the CPUID brand's NUL
 * padding) and bounded in length.
 */
export function str(v: string | undefined): string {
  if (v === undefined) return '';
  const nul = v.indexOf('\u0000');
  const s = nul < 0 ? v : v.slice(0, nul);
  return s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s;
}

// ---- os_version -------------------------------------------------------------------------

/**
 * `code_name`: Fleet read a row key `code_name` that osquery never sends (its column is
 * `codename`), so Fleet always stored "". We read `codename` (falling back to `code_name`),
 * so the host's code name is what the agent reports — decided in service/osquery/README.md.
 */
export function ingestOsVersion(rows: Row[], patch: DetailPatch): void {
  const row = singleRow(rows);
  if (!row) return;
  patch.os_version = str(trimDots(`${str(row.name)} ${str(row.major)}.${str(row.minor)}.${str(row.patch)}`));
  if (row.build !== undefined) patch.build = str(row.build);
  let platform = str(row.platform);
  if (platform === '' && str(row.name).toLowerCase().includes('centos')) platform = 'centos';
  patch.platform = platform;
  patch.platform_like = str(row.platform_like);
  patch.code_name = str(row.codename ?? row.code_name);
}

function trimDots(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '.') start++;
  while (end > start && s[end - 1] === '.') end--;
  return s.slice(start, end);
}

// ---- osquery_info -----------------------------------------------------------------------

export function ingestOsqueryInfo(rows: Row[], patch: DetailPatch): void {
  const row = singleRow(rows);
  if (!row) return;
  patch.osquery_version = str(row.version);
}

// ---- system_info ------------------------------------------------------------------------

export function ingestSystemInfo(rows: Row[], patch: DetailPatch): void {
  const row = singleRow(rows);
  if (!row) return;
  // Parse first, assign after: a bad integer leaves the patch untouched.
  const memory = parseAgentInt(row.physical_memory, 'system_info.physical_memory', INT64_SAFE);
  const physical = parseAgentInt(row.cpu_physical_cores, 'system_info.cpu_physical_cores');
  const logical = parseAgentInt(row.cpu_logical_cores, 'system_info.cpu_logical_cores');
  patch.memory = memory;
  patch.hostname = str(row.hostname);
  patch.uuid = str(row.uuid);
  patch.cpu_type = str(row.cpu_type);
  patch.cpu_subtype = str(row.cpu_subtype);
  patch.cpu_brand = str(row.cpu_brand);
  patch.cpu_physical_cores = physical;
  patch.cpu_logical_cores = logical;
  patch.hardware_vendor = str(row.hardware_vendor);
  patch.hardware_model = str(row.hardware_model);
  patch.hardware_version = str(row.hardware_version);
  patch.hardware_serial = str(row.hardware_serial);
  patch.computer_name = str(row.computer_name);
}

// ---- uptime -----------------------------------------------------------------------------

export function ingestUptime(rows: Row[], patch: DetailPatch): void {
  const row = singleRow(rows);
  if (!row) return;
  patch.uptime = parseAgentInt(row.total_seconds, 'uptime.total_seconds', INT64_SAFE);
}

// ---- osquery_flags (later-3.x rule) -----------------------------------------------------

export function ingestOsqueryFlags(rows: Row[], patch: DetailPatch): void {
  let distributed: number | undefined;
  let logger: number | undefined;
  let tlsRefresh: number | undefined;
  let refresh: number | undefined;
  for (const row of rows) {
    switch (row.name) {
      case 'distributed_interval':
        distributed = parseAgentInt(row.value, 'osquery_flags.distributed_interval');
        break;
      case 'logger_tls_period':
        logger = parseAgentInt(row.value, 'osquery_flags.logger_tls_period');
        break;
      case 'config_tls_refresh':
        tlsRefresh = parseAgentInt(row.value, 'osquery_flags.config_tls_refresh');
        break;
      case 'config_refresh':
        refresh = parseAgentInt(row.value, 'osquery_flags.config_refresh');
        break;
    }
  }
  if (distributed !== undefined) patch.distributed_interval = distributed;
  if (logger !== undefined) patch.logger_tls_period = logger;
  // config_tls_refresh if that row is present, else config_refresh, else unchanged.
  const configRefresh = tlsRefresh ?? refresh;
  if (configRefresh !== undefined) patch.config_tls_refresh = configRefresh;
}

// ---- network_interface (later-3.x rule: prefer IPv4) ------------------------------------

/** 0 = not a usable address; 4 / 6 = usable IPv4 / IPv6. */
function usableAddress(address: string | undefined): 0 | 4 | 6 {
  if (!address || address.includes('%')) return 0; // a zone suffix does not parse in Go's ParseIP
  const family = isIP(address);
  if (family === 4) {
    if (address.startsWith('127.') || address.startsWith('169.254.') || address === '0.0.0.0') return 0;
    return 4;
  }
  if (family === 6) {
    const a = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return usableAddress(mapped[1]) === 4 ? 4 : 0;
    if (a === '::1' || a === '::' || /^0*:0*:0*:0*:0*:0*:0*:0*1?$/.test(a)) return 0;
    if (/^fe[89ab][0-9a-f]?:/.test(a)) return 0; // fe80::/10 link-local unicast
    return 6;
  }
  return 0;
}

export function ingestNetworkInterface(rows: Row[], patch: DetailPatch): void {
  if (rows.length === 0) return;
  let firstV6: Row | undefined;
  let chosen: Row | undefined;
  for (const row of rows) {
    const family = usableAddress(row.address);
    if (family === 4) {
      chosen = row;
      break;
    }
    if (family === 6 && !firstV6) firstV6 = row;
  }
  chosen ??= firstV6 ?? rows[0]!;
  patch.primary_ip = str(chosen.address).slice(0, 45);
  patch.primary_mac = str(chosen.mac).slice(0, 17);
}

// ---- the table --------------------------------------------------------------------------

export const DETAIL_QUERIES: Readonly<Record<string, DetailQuery>> = Object.freeze({
  network_interface: {
    sql:
      'select address, mac from interface_details id join interface_addresses ia on ia.interface = id.interface ' +
      'where length(mac) > 0 order by (ibytes + obytes) desc',
    ingest: ingestNetworkInterface,
  },
  os_version: { sql: 'select * from os_version limit 1', ingest: ingestOsVersion },
  osquery_flags: {
    sql:
      'select name, value from osquery_flags where name in ' +
      '("distributed_interval", "config_tls_refresh", "config_refresh", "logger_tls_period")',
    ingest: ingestOsqueryFlags,
  },
  osquery_info: { sql: 'select * from osquery_info limit 1', ingest: ingestOsqueryInfo },
  system_info: { sql: 'select * from system_info limit 1', ingest: ingestSystemInfo },
  uptime: { sql: 'select * from uptime limit 1', ingest: ingestUptime },
});

export function detailQuery(name: string): DetailQuery | undefined {
  return Object.prototype.hasOwnProperty.call(DETAIL_QUERIES, name) ? DETAIL_QUERIES[name] : undefined;
}

/**
 * Enrollment's `host_details` carry one row per table straight from osquery's table
 * generators: ingest os_version, osquery_info and system_info with the same rules. Errors
 * are ignored (Fleet does the same), so a bad value just leaves those facts unset.
 */
export function ingestEnrollDetails(hostDetails: Record<string, Record<string, string>>): DetailPatch {
  const patch: DetailPatch = {};
  const tables: Array<[string, (rows: Row[], p: DetailPatch) => void]> = [
    ['os_version', ingestOsVersion],
    ['osquery_info', ingestOsqueryInfo],
    ['system_info', ingestSystemInfo],
  ];
  for (const [table, ingest] of tables) {
    const row = Object.prototype.hasOwnProperty.call(hostDetails, table) ? hostDetails[table] : undefined;
    if (!row) continue;
    const part: DetailPatch = {};
    try {
      ingest([row], part);
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      continue;
    }
    Object.assign(patch, part);
  }
  return patch;
}
