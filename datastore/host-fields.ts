import { InvalidArgumentError, type HostDetails } from '../internal/fleet';

/** How each reported fact is stored; both adapters check a patch against this first. */
type DetailKind = 'text' | { maxLength: number } | 'int32' | 'int64' | 'json';

export const HOST_DETAIL_KINDS: Readonly<Record<keyof HostDetails, DetailKind>> = {
  hostname: 'text',
  uuid: 'text',
  platform: 'text',
  osquery_version: 'text',
  os_version: 'text',
  build: 'text',
  platform_like: 'text',
  code_name: 'text',
  uptime: 'int64',
  memory: 'int64',
  cpu_type: 'text',
  cpu_subtype: 'text',
  cpu_brand: 'text',
  cpu_physical_cores: 'int32',
  cpu_logical_cores: 'int32',
  hardware_vendor: 'text',
  hardware_model: 'text',
  hardware_version: 'text',
  hardware_serial: 'text',
  computer_name: 'text',
  primary_ip: { maxLength: 45 },
  primary_mac: { maxLength: 17 },
  distributed_interval: 'int32',
  config_tls_refresh: 'int32',
  logger_tls_period: 'int32',
  additional: 'json',
};

export const HOST_DETAIL_KEYS = Object.keys(HOST_DETAIL_KINDS) as (keyof HostDetails)[];

/** A new host's facts before anything is reported. */
export function emptyHostDetails(): HostDetails {
  const out: Record<string, unknown> = {};
  for (const key of HOST_DETAIL_KEYS) {
    const kind = HOST_DETAIL_KINDS[key];
    out[key] = kind === 'json' ? null : kind === 'int32' || kind === 'int64' ? 0 : '';
  }
  return out as unknown as HostDetails;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The given (not undefined) known keys of a details patch, in HOST_DETAIL_KEYS order,
 * after checking each value fits its column. Unknown keys are ignored. Throws
 * InvalidArgumentError with one reason per bad field, so both adapters fail alike
 * (Postgres would otherwise reject what the in-memory store accepts).
 */
export function detailEntries(details: Partial<HostDetails> | undefined): [keyof HostDetails, unknown][] {
  if (!details) return [];
  const invalid = new InvalidArgumentError();
  const entries: [keyof HostDetails, unknown][] = [];
  for (const key of HOST_DETAIL_KEYS) {
    if (!Object.hasOwn(details, key)) continue;
    const value: unknown = details[key];
    if (value === undefined) continue;
    const kind = HOST_DETAIL_KINDS[key];
    if (kind === 'json') {
      if (value !== null && (typeof value !== 'object' || Array.isArray(value))) invalid.append(key, 'must be an object or null');
      else if (value !== null && JSON.stringify(value).includes('\\u0000')) invalid.append(key, 'must not contain NUL characters');
    } else if (kind === 'int32' || kind === 'int64') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid.append(key, 'must be an integer');
      else if (kind === 'int32' && (value < INT32_MIN || value > INT32_MAX)) invalid.append(key, 'is out of range');
    } else if (typeof value !== 'string') {
      invalid.append(key, 'must be a string');
    } else if (kind !== 'text' && [...value].length > kind.maxLength) {
      invalid.append(key, `must be at most ${kind.maxLength} characters`);
    } else if (value.includes('\u0000')) {
      // Postgres text cannot hold NUL; refuse it in every store alike.
      invalid.append(key, 'must not contain NUL characters');
    }
    entries.push([key, value]);
  }
  invalid.throwIfAny();
  return entries;
}

/** Case-insensitive substring match of the host search (`%` and `_` are literal). */
export function matchesHostQuery(
  host: Pick<HostDetails, 'hostname' | 'uuid' | 'hardware_serial' | 'primary_ip'>,
  query: string,
): boolean {
  const needle = query.toLowerCase();
  return [host.hostname, host.uuid, host.hardware_serial, host.primary_ip].some((v) => v.toLowerCase().includes(needle));
}

/** Label results with one entry per label: the last one given wins. */
export function lastPerLabel(results: ReadonlyArray<readonly [number, boolean]>): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const [labelId, member] of results) out.set(labelId, member);
  return out;
}
