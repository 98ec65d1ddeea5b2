// Mutation fuzzing of the agent routes, shared by the in-memory and Postgres runs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { fixture, fixtureWithKey, type AgentTestApp } from './support';

/** mulberry32: a small seeded PRNG, so a failure can be replayed with FUZZ_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


/**
 * Sends `ITERATIONS` mutated bodies to every agent route over a real keep-alive connection
 * pool; throws on any 5xx, a non-JSON answer or an error without `error`, then checks that
 * valid requests are still served.
 */
export async function runAgentFuzz(t: AgentTestApp, nodeKey: string, SEED: number, ITERATIONS: number): Promise<Map<number, number>> {
  const server = http.createServer(t.listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  function send(path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${base}/api/v1/osquery/${path}`,
        { method: 'POST', agent, headers: { 'Content-Type': 'application/json', ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  try {
    const rand = rng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const bases: Array<[string, () => unknown]> = [
      ['enroll', () => fixture('enroll-darwin.json')],
      ['enroll', () => fixture('enroll-windows.json')],
      ['config', () => ({ node_key: nodeKey })],
      ['distributed/read', () => ({ node_key: nodeKey })],
      ['distributed/write', () => JSON.parse(fixtureWithKey('distributed-write-details-darwin.json', nodeKey))],
      ['distributed/write', () => JSON.parse(fixtureWithKey('distributed-write-labels.json', nodeKey))],
      ['distributed/write', () => JSON.parse(fixtureWithKey('distributed-write-live-query-stats.json', nodeKey))],
      ['log', () => JSON.parse(fixtureWithKey('log-result-event.json', nodeKey))],
      ['log', () => JSON.parse(fixtureWithKey('log-status-osquery5.json', nodeKey))],
      ['log', () => JSON.parse(fixtureWithKey('log-result-batch.json', nodeKey))],
    ];

    const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);
    const randomValue = (depth = 0): unknown => {
      switch (Math.floor(rand() * 14)) {
        case 0: return null;
        case 1: return rand() < 0.5;
        case 2: return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1);
        case 3: return rand() * 1e300;
        case 4: return '';
        case 5: return 'x'.repeat(Math.floor(rand() * 300_000));
        case 6: return pick(['0', '-1', '1e5', '12abc', '99999999999999999999', 'NaN', ' 7 ', '\u0000', 'fleet_label_query_6']);
        case 7: return depth > 3 ? [] : [randomValue(depth + 1), randomValue(depth + 1)];
        case 8: return depth > 3 ? {} : { [pick(['a', '__proto__', 'constructor', 'node_key', '1'])]: randomValue(depth + 1) };
        case 9: return JSON.parse(deep(1 + Math.floor(rand() * 1000), '[', ']'));
        case 10: return [{ a: String(rand()) }];
        case 11: return {};
        case 12: return [];
        default: return String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(rand() * 0xd7ff)));
      }
    };

    /** Replaces, deletes or adds a value somewhere in the tree. */
    const mutate = (root: unknown): unknown => {
      if (typeof root !== 'object' || root === null || rand() < 0.08) return randomValue();
      let node = root as Record<string, unknown>;
      for (let d = 0; d < 4; d++) {
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        const k = pick(keys);
        const child = node[k];
        if (typeof child !== 'object' || child === null || rand() < 0.3) {
          const op = rand();
          if (op < 0.25) delete node[k];
          else if (op < 0.35) node[`${k}_extra`] = randomValue();
          else node[k] = randomValue();
          return root;
        }
        node = child as Record<string, unknown>;
      }
      node[pick(['fleet_detail_query_uptime', 'kolide_label_query_7', 'fleet_distributed_query_1', 'zzz', 'queries'])] = randomValue();
      return root;
    };

    const texts = (obj: unknown): Buffer | string => {
      const text = JSON.stringify(obj) ?? 'undefined';
      switch (Math.floor(rand() * 10)) {
        case 0: return text.slice(0, Math.floor(rand() * text.length)); // truncated
        case 1: return Buffer.from(Array.from({ length: Math.floor(rand() * 2000) }, () => Math.floor(rand() * 256))); // random bytes
        case 2: return deep(50_000 + Math.floor(rand() * 100_000), pick(['[', '{"a":']), pick([']', '}'])).slice(0, 400_000);
        case 3: return text.replace(/"/, "'");
        default: return text;
      }
    };

    const statuses = new Map<number, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      const [route, make] = pick(bases);
      let body: Buffer | string = texts(mutate(make()));
      const headers: Record<string, string> = {};
      if (route === 'log' && rand() < 0.1) {
        headers['Content-Encoding'] = 'gzip';
        if (rand() < 0.5) body = gzipSync(body);
      }
      const res = await send(route, body, headers);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 || res.status === 0) {
        throw new Error(`iteration ${i} (${route}) → ${res.status} ${res.text.slice(0, 300)}\nbody: ${String(body).slice(0, 500)}`);
      }
      const parsed = JSON.parse(res.text) as Record<string, unknown>;
      if (typeof parsed !== 'object' || parsed === null) throw new Error(`iteration ${i}: not a JSON object: ${res.text.slice(0, 200)}`);
      if (res.status >= 400 && typeof parsed.error !== 'string') throw new Error(`iteration ${i}: ${res.status} without error: ${res.text.slice(0, 200)}`);
    }
    // The mutations reached past decoding too (some requests succeeded, some were refused).
    expect(statuses.get(200) ?? 0).toBeGreaterThan(ITERATIONS * 0.02);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(ITERATIONS * 0.2);

    // Still serving valid requests.
    const enroll = await send('enroll', JSON.stringify({ ...fixture('enroll-ubuntu.json'), host_identifier: `fuzz-final-${SEED}-${Date.now()}` }));
    expect(enroll.status).toBe(200);
    const key = JSON.parse(enroll.text).node_key as string;
    const read = await send('distributed/read', JSON.stringify({ node_key: key }));
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text).queries).toHaveProperty('fleet_detail_query_uptime');
    const log = await send('log', fixtureWithKey('log-status-osquery4.json', key));
    expect(log.status).toBe(200);
    return statuses;
  } finally {
    agent.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
