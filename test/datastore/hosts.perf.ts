// Host and label queries at fleet scale. Not part of `npm test` (the name does not end in
// .test.ts). Run against the Postgres test server (a temporary database is created and
// dropped):
//   npx jest --testMatch '**/test/datastore/hosts.perf.ts' --runInBand
// Env: FLEET_PERF_HOSTS (default 100000), FLEET_PERF_STORE=postgres|embedded (default postgres),
// FLEET_PERF_KEEP=1 keeps the Postgres database (for EXPLAIN ANALYZE; drop it yourself).
import type { HostListOptions } from '../../internal/fleet';
import { median, openPerfStore, PERF_KIND, PERF_RUNS, printPerfResults, seedPerfHosts } from './perf-store';

const HOSTS = Number(process.env.FLEET_PERF_HOSTS ?? 100_000);

jest.setTimeout(900_000);

test(`host queries at ${HOSTS} hosts (${PERF_KIND})`, async () => {
  const perf = await openPerfStore();
  const { store } = perf;
  const results: [string, number][] = [];
  try {
    const ds = await perf.dataSource();
    const now = new Date();
    const seedStart = Date.now();
    // Hosts 90% online, 8% offline, 2% mia, 1% new; then 20 user labels of ~1% each.
    await seedPerfHosts(ds, now, HOSTS);
    for (let i = 0; i < 20; i++) {
      const label = await store.newLabel({ name: `perf-${i}`, description: '', query: 'select 1;', platform: '', label_type: 'regular', label_membership_type: 'dynamic' });
      await ds.query(`INSERT INTO label_membership (host_id, label_id) SELECT id, $1 FROM hosts WHERE id % 100 = $2`, [label.id, i]);
    }
    await ds.query('VACUUM ANALYZE hosts');
    await ds.query('VACUUM ANALYZE host_seen_times');
    await ds.query('VACUUM ANALYZE label_membership');
    results.push([`seed ${HOSTS} hosts + memberships (SQL)`, Date.now() - seedStart]);

    const ubuntu = (await store.labelByName('Ubuntu Linux'))!.id;
    const perf0 = (await store.labelByName('perf-0'))!.id;
    const base: HostListOptions = { page: 0, perPage: 100, orderDirection: 'asc', now };
    const cases: [string, () => Promise<unknown>][] = [
      ['listHosts per_page=100 (id order)', () => store.listHosts(base)],
      ['listHosts per_page=100 page=500 (offset 50,000)', () => store.listHosts({ ...base, page: 500 })],
      ['listHosts order_key=hostname', () => store.listHosts({ ...base, orderKey: 'hostname' })],
      ['listHosts order_key=seen_time desc', () => store.listHosts({ ...base, orderKey: 'seen_time', orderDirection: 'desc' })],
      ['listHosts status=online', () => store.listHosts({ ...base, status: 'online' })],
      ['listHosts status=offline', () => store.listHosts({ ...base, status: 'offline' })],
      ['listHosts status=mia', () => store.listHosts({ ...base, status: 'mia' })],
      ['listHosts status=new', () => store.listHosts({ ...base, status: 'new' })],
      ['listHosts query=host-4242 (11 matches)', () => store.listHosts({ ...base, query: 'HOST-4242.' })],
      ['listHosts query=zzz (no match)', () => store.listHosts({ ...base, query: 'zzz' })],
      ['listHosts query=10.0 (many matches)', () => store.listHosts({ ...base, query: '10.0' })],
      ['listHosts query + status=offline + order hostname', () => store.listHosts({ ...base, query: 'example', status: 'offline', orderKey: 'hostname' })],
      ['listHosts labelId=Ubuntu (25k members)', () => store.listHosts({ ...base, labelId: ubuntu })],
      ['listHosts labelId=perf-0 (1k members) order hostname', () => store.listHosts({ ...base, labelId: perf0, orderKey: 'hostname' })],
      ['hostStatusSummary', () => store.hostStatusSummary(now)],
      ['labelHostCounts', () => store.labelHostCounts()],
      ['listLabels order_key=host_count', () => store.listLabels({ page: 0, orderDirection: 'desc', orderKey: 'host_count' })],
      ['hostByIdentifier (uuid)', () => store.hostByIdentifier('host-777.example.com')],
      ['hostByIdentifier (miss)', () => store.hostByIdentifier('nope')],
      ['hostByNodeKeyHash', () => store.hostByNodeKeyHash('0123456789abcdef')],
      ['labelMemberHostnames (1k members)', () => store.labelMemberHostnames(perf0)],
      ['labelsForHost', () => store.labelsForHost(4242)],
      ['updateHost details + 8 label results', () =>
        store.updateHost(4242, {
          details: { uptime: 123, additional: { a: [] } },
          detail_updated_at: now,
          labels: { results: [[6, true], [7, false], [8, true], [9, false], [10, false], [perf0, true], [perf0 + 1, false], [perf0 + 2, true]], at: now },
        })],
      ['markHostsSeen 10,000 ids (one statement)', () => store.markHostsSeen(Array.from({ length: 10_000 }, (_v, i) => 1 + ((i * 7) % HOSTS)), new Date())],
      ['deleteHostsSeenBefore (none match)', () => store.deleteHostsSeenBefore(new Date('2000-01-01T00:00:00Z'))],
      ['deleteIncomingHosts (none match)', () => store.deleteIncomingHosts(new Date())],
    ];
    for (const [name, fn] of cases) results.push([name, await median(fn)]);

    let n = 0;
    const enrollMs = await median(async () => {
      n += 1;
      await store.enrollHost({ osqueryHostId: `perf-new-${n}`, nodeKeyHash: `perf-new-key-${n}`, enrollSecretName: 'default', now, details: { hostname: `perf-new-${n}` } });
    }, 50);
    results.push(['enrollHost (new host, median of 50)', enrollMs]);
    const reEnrollMs = await median(async () => {
      n += 1;
      await store.enrollHost({ osqueryHostId: 'oid-4242', nodeKeyHash: `perf-re-key-${n}`, enrollSecretName: 'default', now, details: {} });
    }, 50);
    results.push(['enrollHost (re-enroll, median of 50)', reEnrollMs]);
  } finally {
    await perf.close();
  }
  printPerfResults(`${PERF_KIND}, ${HOSTS} hosts, median of ${PERF_RUNS} (ms):`, results);
});
