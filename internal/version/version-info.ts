// What GET /version and `fleet version` report, in Fleet's field names.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface VersionInfo {
  version: string;
  branch: string;
  revision: string;
  /** Fleet clients expect this key; we report the Node.js runtime in it. */
  go_version: string;
  build_date: string;
  build_user: string;
}

/** Build stamps come from FLEET_BUILD_* variables set by the release build. */
export function versionInfo(env: NodeJS.ProcessEnv = process.env): VersionInfo {
  return {
    version: packageVersion(),
    branch: env.FLEET_BUILD_BRANCH || 'unknown',
    revision: env.FLEET_BUILD_REVISION || 'unknown',
    go_version: process.version,
    build_date: env.FLEET_BUILD_DATE || 'unknown',
    build_user: env.FLEET_BUILD_USER || 'unknown',
  };
}

let cached: string | undefined;

// Walk up from this file: the same code runs from the source tree and from dist/.
function packageVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
      cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
      return cached;
    } catch {
      if (dirname(dir) === dir) return (cached = 'unknown');
    }
  }
}
