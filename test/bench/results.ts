import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Writes a benchmark's table to bench-results/<name>.json (git-ignored) for the record. */
export function recordResult(name: string, rows: unknown): void {
  const dir = resolve(__dirname, '../../bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');
}
