// Shared helpers for the agent tests: fixture bodies from disk, enrollment, a counting store.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashToken } from '../../internal/crypto/tokens';
import type { Datastore } from '../../internal/fleet';
import { startTestApp, type TestApp, type TestAppOptions } from '../support/test-app';

export const FIXTURES = process.env.FLEET_OSQUERY_FIXTURES || join(__dirname, '../fixtures/osquery-requests');

export type Platform = 'ubuntu' | 'centos' | 'darwin' | 'windows';
export const PLATFORMS: Platform[] = ['ubuntu', 'centos', 'darwin', 'windows'];

/** Secrets the fixtures were "sent" with (README: U, C, M share one; W has its own). */
export const FIXTURE_SECRETS = {
  default: '5upVppavMWlR6MMnUM6hXSLQvXmqAL04',
  windows: 'tQ3o9Yh8xVb2Lk7Zr4Wn6Ps1Dm5Fc0Ge',
};

/** The node key each fixture file carries, per host. */
export const FIXTURE_NODE_KEYS: Record<Platform, string> = {
  ubuntu: 'RXAwHw9VF5p/rtFTb7vHdLUE9/v55obl',
  centos: 'PdKqRjXCaXfCloAen+DtKnVZ835khhdy',
  darwin: '4MaoQ5cvXTHIrdbGmWG0BueOGCxQVJCj',
  windows: 'z2LrF9qm01T3cEIhAWUoZdW7wQxe4cN8',
};

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** A fixture body's raw text with its node key replaced by the one a test enrolled. */
export function fixtureWithKey(name: string, nodeKey: string): string {
  const text = fixtureText(name);
  const m = /"node_key"\s*:\s*"([^"]*)"/.exec(text);
  if (!m) throw new Error(`${name} has no node_key`);
  return text.replace(m[0], `"node_key": ${JSON.stringify(nodeKey)}`);
}

/** Removes whitespace outside strings: osquery's compact wire form, numbers kept as text. */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i]!;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/** The source text of each element of the top-level `key` array (independent of the server's splitter). */
export function elementTexts(text: string, key: string): string[] {
  const start = text.indexOf(`"${key}"`);
  let i = text.indexOf('[', start) + 1;
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let elementStart = -1;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (elementStart < 0 && !/[\s,]/.test(c)) {
      if (c === ']' && depth === 0) break;
      elementStart = i;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) {
        out.push(text.slice(elementStart, i).trimEnd());
        break;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      out.push(text.slice(elementStart, i).trimEnd());
      elementStart = -1;
    }
  }
  return out;
}

export interface AgentTestApp extends TestApp {
  /** Enrolls the fixture host of `platform`; returns its new node key and host id. */
  enroll(platform: Platform): Promise<{ nodeKey: string; hostId: number }>;
  post(path: string, body: unknown): Promise<import('supertest').Response>;
}

export async function startAgentApp(opts: TestAppOptions = {}): Promise<AgentTestApp> {
  const t = await startTestApp({ agent: { seenFlushIntervalMs: 0 }, ...opts });
  await t.ds.applyEnrollSecrets([
    { name: 'default', secret: FIXTURE_SECRETS.default, active: true },
    { name: 'windows', secret: FIXTURE_SECRETS.windows, active: true },
  ]);
  const post = (path: string, body: unknown) => {
    const req = t.agent().post(`/api/v1/osquery/${path}`).set('Content-Type', 'application/json');
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  return Object.assign(t, {
    post,
    async enroll(platform: Platform) {
      const res = await post('enroll', fixtureText(`enroll-${platform}.json`));
      if (res.status !== 200) throw new Error(`enroll ${platform}: ${res.status} ${res.text}`);
      const nodeKey = res.body.node_key as string;
      const host = await t.ds.hostByNodeKeyHash(hashToken(nodeKey));
      return { nodeKey, hostId: host!.id };
    },
  });
}

/** Wraps a datastore so every method call is counted by name (for "no datastore call" checks). */
export function countingDatastore(ds: Datastore): { ds: Datastore; calls: string[]; reset(): void } {
  const calls: string[] = [];
  const proxy = new Proxy(ds, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { ds: proxy, calls, reset: () => (calls.length = 0) };
}
