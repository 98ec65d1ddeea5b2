// The pure status rules the adapters' SQL mirrors (internal/fleet/host-status.ts).
import { hostStatus, inStatusBucket, isNewHost, onlineWindowMs, type Host } from '../../internal/fleet';

const now = new Date('2040-01-01T00:00:00Z');
const S = 1000;
const D = 24 * 3600 * S;

function host(seenAgoMs: number, createdAgoMs = 100 * D, intervals: [number, number] = [10, 20]): Pick<Host, 'seen_time' | 'created_at' | 'distributed_interval' | 'config_tls_refresh'> {
  return {
    seen_time: new Date(now.getTime() - seenAgoMs),
    created_at: new Date(now.getTime() - createdAgoMs),
    distributed_interval: intervals[0],
    config_tls_refresh: intervals[1],
  };
}

test('the online window is min(distributed_interval, config_tls_refresh) + 30 s', () => {
  expect(onlineWindowMs(host(0, 0, [10, 20]))).toBe(40 * S);
  expect(onlineWindowMs(host(0, 0, [300, 0]))).toBe(30 * S);
});

test.each([
  // [seen ago, per-host status, SQL buckets]
  [39 * S, 'online', ['online']],
  [40 * S, 'online', ['offline']],
  [40 * S + 1, 'offline', ['offline']],
  [30 * D - 1, 'offline', ['offline']],
  [30 * D, 'offline', ['offline', 'mia']],
  [30 * D + 1, 'mia', ['mia']],
] as const)('seen %d ms ago: status %s, counted as %j', (ago, status, buckets) => {
  const h = host(ago);
  expect(hostStatus(h, now)).toBe(status);
  expect((['online', 'offline', 'mia'] as const).filter((s) => inStatusBucket(h, s, now))).toEqual(buckets);
});

test('new: created_at + 24 h >= now, whatever the status', () => {
  expect(isNewHost(host(0, D), now)).toBe(true);
  expect(isNewHost(host(0, D + 1), now)).toBe(false);
  expect(inStatusBucket(host(40 * D, 0), 'new', now)).toBe(true);
  expect(inStatusBucket(host(0, D + 1), 'new', now)).toBe(false);
});
