// The osqueryd request fixtures, vendored in test/fixtures/ (a copy of the workplace's
// shared/fixtures), or another copy via OSQUERY_FIXTURES_DIR.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const candidates = [
  process.env.OSQUERY_FIXTURES_DIR,
  resolve(__dirname, '../fixtures/osquery-requests'),
].filter((p): p is string => !!p);

export const FIXTURES_DIR = candidates.find((p) => existsSync(resolve(p, 'enroll-ubuntu.json')));
export const PACKS_DIR = FIXTURES_DIR ? resolve(FIXTURES_DIR, '../osquery-packs') : undefined;

export const describeWithFixtures = FIXTURES_DIR ? describe : describe.skip;

export function fixture<T = any>(name: string): T {
  if (!FIXTURES_DIR) throw new Error('fixtures not found');
  return JSON.parse(readFileSync(resolve(FIXTURES_DIR, name), 'utf8')) as T;
}

export function pack<T = any>(name: string): T {
  if (!PACKS_DIR) throw new Error('packs not found');
  return JSON.parse(readFileSync(resolve(PACKS_DIR, name), 'utf8')) as T;
}
