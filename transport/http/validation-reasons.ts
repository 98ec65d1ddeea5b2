import { InvalidArgumentError } from '../../internal/fleet';

/**
 * Drops reasons under a field that failed itself (the items of a non-array, the fields of
 * a section that is not an object): they say nothing new. `rename` may rename the rest.
 */
export function dropChildReasons(err: InvalidArgumentError, rename: (name: string) => string = (n) => n): InvalidArgumentError {
  const failed = new Set(err.reasons.map((r) => r.name));
  const out = new InvalidArgumentError();
  for (const { name, reason } of err.reasons) {
    const parts = name.split('.');
    if (parts.slice(1).some((_, i) => failed.has(parts.slice(0, i + 1).join('.')))) continue;
    out.append(rename(name), reason);
  }
  out.message = out.reasons.map((r) => `${r.name} ${r.reason}`).join(', ');
  return out;
}
