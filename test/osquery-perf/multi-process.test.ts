// `--processes N`: the hosts are split across processes without changing who they are,
// and the merged report agrees with what the server saw.
import { join } from 'node:path';
import { createIdentity, assignPlatforms, parsePlatformMix } from '../../cmd/osquery-perf/identity';
import { startMultiProcess, socketShare } from '../../cmd/osquery-perf/multi-process';
import { startSimulation } from '../../cmd/osquery-perf/simulation';
import { ENDPOINTS } from '../../cmd/osquery-perf/stats';
import { ROUTES } from '../../cmd/osquery-perf/http-client';
import { FakeFleet, waitFor } from './fake-fleet';
import { FAST, SECRET } from './harness';

// Workers run the TypeScript sources through swc, as jest does.
const LAUNCH = { script: join(__dirname, '../../cmd/osquery-perf/worker.ts'), execArgv: ['-r', join(__dirname, '../support/swc-register.js')] };

describe('shards', () => {
  it('a shard runs every n-th host of the whole fleet, with the identities and platforms of one process', async () => {
    const fleet = await new FakeFleet({ enrollSecret: SECRET }).start();
    const sim = startSimulation({ ...FAST, hostCount: 7, platforms: 'ubuntu:40,centos:20,darwin:30,windows:10', serverUrl: fleet.url, shard: { index: 1, count: 3 } });
    try {
      const platforms = assignPlatforms(parsePlatformMix('ubuntu:40,centos:20,darwin:30,windows:10'), 7);
      expect(sim.agents.map((a) => a.identity.index)).toEqual([1, 4]);
      expect(sim.agents.map((a) => a.identity.hostname)).toEqual([1, 4].map((i) => createIdentity(FAST.seed!, i, platforms[i]!).hostname));
      await waitFor(() => fleet.hosts.size === 2, 5000, 'two enrolments');
    } finally {
      await sim.stop();
      await fleet.close();
    }
  });

  it('rejects a shard outside the count', () => {
    expect(() => startSimulation({ ...FAST, serverUrl: 'http://127.0.0.1:1', shard: { index: 3, count: 3 } })).toThrow(/invalid shard/);
  });

  it('shares the socket cap out among processes', () => {
    expect(socketShare(512, 2)).toBe(256);
    expect(socketShare(5, 2)).toBe(3);
    expect(socketShare(1, 4)).toBe(1);
  });
});

describe('several processes', () => {
  it('together enroll every host once, and their merged counts match the server', async () => {
    const fleet = await new FakeFleet({ enrollSecret: SECRET }).start();
    const sim = startMultiProcess({ ...FAST, hostCount: 6, serverUrl: fleet.url }, 2, LAUNCH);
    try {
      expect(new Set(sim.pids).size).toBe(2);
      expect(sim.pids).not.toContain(process.pid);
      await waitFor(() => [...fleet.hosts.values()].filter((h) => h.detailsAnswered && h.labelsAnswered).length === 6, 15_000, 'six answered hosts');
      const live = await sim.stats();
      expect(live.agents).toEqual({ total: 6, started: 6, enrolled: 6 });
      const final = await sim.stop();
      const platforms = assignPlatforms(parsePlatformMix(FAST.platforms as string), 6);
      expect([...fleet.hosts.keys()].sort()).toEqual(platforms.map((p, i) => createIdentity(FAST.seed!, i, p).hostname).sort());
      for (const e of ENDPOINTS) {
        const seen = fleet.requests.filter((r) => r.path === ROUTES[e]).length;
        expect({ e, requests: final.endpoints[e].requests }).toEqual({ e, requests: seen });
      }
      expect(final.endpoints.enroll.requests).toBe(6);
      expect(final.process).toMatchObject({ processes: 2 });
      expect(final.process!.cpuSeconds).toBeGreaterThan(0);
      expect(await sim.finished).toBe(final);
    } finally {
      await sim.stop().catch(() => undefined);
      await fleet.close();
    }
  }, 30_000);

  it('stops by itself after durationMs, with the window restarted at the warm-up', async () => {
    const fleet = await new FakeFleet({ enrollSecret: SECRET }).start();
    try {
      const sim = startMultiProcess({ ...FAST, hostCount: 4, serverUrl: fleet.url, warmupMs: 1500, durationMs: 2500 }, 2, LAUNCH);
      const final = await sim.finished;
      // Every enrolment happened before the warm-up ended; the window only holds later requests.
      expect(fleet.requests.filter((r) => r.path === ROUTES.enroll).length).toBe(4);
      expect(final.endpoints.enroll.requests).toBe(0);
      expect(final.endpoints.distributed_read.requests).toBeGreaterThan(0);
      expect(final.elapsedSeconds).toBeGreaterThan(0.8);
      expect(final.elapsedSeconds).toBeLessThan(5);
    } finally {
      await fleet.close();
    }
  }, 30_000);

  it('fails instead of hanging when a process dies', async () => {
    const fleet = await new FakeFleet({ enrollSecret: SECRET }).start();
    try {
      const sim = startMultiProcess({ ...FAST, hostCount: 2, serverUrl: fleet.url }, 2, LAUNCH);
      await waitFor(() => fleet.hosts.size === 2, 15_000, 'enrolments');
      process.kill(sim.pids[1]!, 'SIGKILL');
      await expect(sim.finished).rejects.toThrow(/simulator process 1 exited/);
    } finally {
      await fleet.close();
    }
  }, 30_000);
});
