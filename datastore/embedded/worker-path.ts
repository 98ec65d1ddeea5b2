import { existsSync } from 'node:fs';
import path from 'node:path';

const WORKER_FILE = 'pglite-worker.js';

/**
 * Where the plain-JS PGlite worker lives. Next to this module when running from the
 * source tree (Jest) or from a dist/ that copied it; otherwise the source file seen from
 * dist/datastore/embedded, so a build that did not copy it still works in a checkout.
 */
export function pgliteWorkerPath(): string {
  const candidates = [
    path.join(__dirname, WORKER_FILE),
    path.resolve(__dirname, '..', '..', '..', 'datastore', 'embedded', WORKER_FILE),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`PGlite worker not found; looked in: ${candidates.join(', ')}`);
  return found;
}
