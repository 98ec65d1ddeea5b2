import type { InvalidArgumentError, ScheduledQueryOptions } from '../internal/fleet';

/** Longest schedule interval accepted: one week, in seconds. */
export const MAX_INTERVAL = 604_800;
/** osquery's `shard` is a percentage of hosts; 0 (like absent) means every host. */
export const MAX_SHARD = 100;
/** Longest `version` accepted (osquery versions are like `4.6.0`). */
export const MAX_VERSION_LENGTH = 32;

/**
 * Platform names osquery's scheduler matches in a pack or query `platform` (its
 * `checkPlatform`): the OS families plus `any`/`all` (every platform). A value is a
 * comma-separated list of lowercase names; `""` means every platform. Other names are
 * accepted because osquery accepts them too (a query for a platform it does not know runs
 * nowhere) and real packs use them: osquery's own it-compliance pack has a `gentoo` query.
 */
export const OSQUERY_PLATFORMS = ['darwin', 'freebsd', 'linux', 'posix', 'windows', 'ubuntu', 'centos', 'any', 'all'] as const;

export const INTERVAL_REASON = `must be an integer from 1 to ${MAX_INTERVAL} (seconds)`;
export const SHARD_REASON = `must be an integer from 0 to ${MAX_SHARD}`;
export const PLATFORM_REASON = `must be empty or a comma-separated list of lowercase platform names (osquery knows ${OSQUERY_PLATFORMS.join(', ')})`;
export const VERSION_REASON = 'must be empty or an osquery version like 4.6.0';

const VERSION = /^\d{1,5}(\.\d{1,5}){0,3}$/;

export function validInterval(v: number): boolean {
  return Number.isInteger(v) && v >= 1 && v <= MAX_INTERVAL;
}

export function validShard(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAX_SHARD;
}

const PLATFORM_NAME = /^[a-z][a-z0-9_]*$/;

/** `""` or a comma-separated list of lowercase platform names (spaces around commas allowed). */
export function validPlatform(v: string): boolean {
  if (v === '') return true;
  return v.split(',').every((p) => PLATFORM_NAME.test(p.trim()));
}

export function validVersion(v: string): boolean {
  return v === '' || (v.length <= MAX_VERSION_LENGTH && VERSION.test(v));
}

/**
 * The value rules of a scheduled query's options (POST/PATCH /schedule, pack specs).
 * Only fields that are given are checked; `at` names a field in the reasons.
 */
export function checkScheduleOptions(
  invalid: InvalidArgumentError,
  opts: Partial<ScheduledQueryOptions>,
  at: (field: string) => string = (f) => f,
): void {
  if (opts.interval !== undefined && !validInterval(opts.interval)) invalid.append(at('interval'), INTERVAL_REASON);
  if (opts.shard !== undefined && opts.shard !== null && !validShard(opts.shard)) invalid.append(at('shard'), SHARD_REASON);
  if (opts.platform !== undefined && opts.platform !== null && !validPlatform(opts.platform)) {
    invalid.append(at('platform'), PLATFORM_REASON);
  }
  if (opts.version !== undefined && opts.version !== null && !validVersion(opts.version)) {
    invalid.append(at('version'), VERSION_REASON);
  }
}
