// The /log request bodies of shared/fixtures (pretty-printed there, compact on the wire).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DIR = resolve(__dirname, '../fixtures/osquery-requests');

export interface LogFixture {
  name: string;
  /** The file as stored: pretty-printed. */
  pretty: string;
  /** The same body as osquery sends it: compact, one line. */
  compact: string;
  data: unknown[];
}

export function logFixtures(): LogFixture[] {
  return readdirSync(DIR)
    .filter((f) => /^log-.*\.json$/.test(f))
    .sort()
    .map((name) => {
      const pretty = readFileSync(join(DIR, name), 'utf8');
      const parsed = JSON.parse(pretty) as { data: unknown[] };
      return { name, pretty, compact: JSON.stringify(parsed), data: parsed.data };
    });
}
