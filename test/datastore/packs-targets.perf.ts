// Pack and target queries at fleet scale. Not part of `npm test` (the name does not end in
// .test.ts). Run against the Postgres test server (a temporary database is created and
// dropped):
//   npx jest --testMatch '**/test/datastore/packs-targets.perf.ts' --runInBand
// Env: FLEET_PERF_HOSTS (default 100000), FLEET_PERF_LABELS (default 1000), FLEET_PERF_PACKS
// (default 200), FLEET_PERF_STORE=postgres|embedded (default postgres), FLEET_PERF_KEEP=1
// keeps the Postgres database (for EXPLAIN ANALYZE; drop it yourself).
import { median, openPerfStore, PERF_KIND, PERF_RUNS, printPerfResults, seedPerfHosts } from './perf-store';

const HOSTS = Number(process.env.FLEET_PERF_HOSTS ?? 100_000);
const LABELS = Number(process.env.FLEET_PERF_LABELS ?? 1000);
const PACKS = Number(process.env.FLEET_PERF_PACKS ?? 200);

jest.setTimeout(900_000);

test(`pack and target queries at ${HOSTS} hosts, ${LABELS} labels, ${PACKS} packs (${PERF_KIND})`, async () => {
  const perf = await openPerfStore();
  const { store } = perf;
  const results: [string, number][] = [];
  try {
    const ds = await perf.dataSource();
    const now = new Date();
    const seedStart = Date.now();
    // Hosts 90% online, 8% offline, 2% mia, 1% new (as in hosts.perf.ts).
    await seedPerfHosts(ds, now, HOSTS);
    // LABELS user labels: the first 10 with 10% of the hosts each, the rest ~100 members each.
    await ds.query(
      `INSERT INTO labels (name, description, query, platform, label_type, label_membership_type)
       SELECT 'perf-' || i, '', 'select 1;', '', 'regular', 'dynamic' FROM generate_series(0, $1::int - 1) i`,
      [LABELS],
    );
    await ds.query(
      `INSERT INTO label_membership (host_id, label_id)
       SELECT h.id, l.id FROM labels l JOIN LATERAL (SELECT split_part(l.name, '-', 2)::int AS i) n ON true
       JOIN hosts h ON CASE WHEN n.i < 10 THEN h.id % 10 = n.i ELSE h.id % 1000 = n.i % 1000 END
       WHERE l.name LIKE 'perf-%'`,
    );
    const firstLabel = (await store.labelByName('perf-0'))!.id;
    // 50 saved queries; PACKS packs of 3 labels, 20 explicit hosts and 5 scheduled queries
    // each; every 20th pack also targets All Hosts.
    await ds.query(
      `INSERT INTO queries (name, query, saved) SELECT 'perf-query-' || i, 'select ' || i || ';', true FROM generate_series(1, 50) i`,
    );
    await ds.query(`INSERT INTO packs (name) SELECT 'perf-pack-' || j FROM generate_series(1, $1::int) j`, [PACKS]);
    await ds.query(
      `INSERT INTO pack_targets (pack_id, type, target_id)
       SELECT p.id, 0, $1::int + ((p.id * k) % $2::int) FROM packs p, (VALUES (1), (7), (13)) AS m(k)
       UNION SELECT p.id, 0, 6 FROM packs p WHERE p.id % 20 = 0
       UNION SELECT p.id, 1, 1 + ((p.id * 997 + s * 7919) % $3::int) FROM packs p, generate_series(1, 20) s
       ON CONFLICT DO NOTHING`,
      [firstLabel, LABELS, HOSTS],
    );
    await ds.query(
      `INSERT INTO scheduled_queries (pack_id, query_id, name, "interval")
       SELECT p.id, q.id, q.name, 3600 FROM packs p JOIN queries q ON (q.id + p.id) % 10 = 0`,
    );
    for (const table of ['hosts', 'host_seen_times', 'label_membership', 'labels', 'packs', 'pack_targets', 'scheduled_queries', 'queries']) {
      await ds.query(`VACUUM ANALYZE ${table}`);
    }
    results.push([`seed (SQL)`, Date.now() - seedStart]);

    const packIds = (await store.listPacks({ page: 0, orderDirection: 'asc' })).map((p) => p.id);
    const allHostsPack = packIds.find((id) => id % 20 === 0)!;
    const typicalPack = packIds.find((id) => id % 20 === 1)!;
    const big = Array.from({ length: 10 }, (_v, i) => firstLabel + i);
    const small = [firstLabel + 100, firstLabel + 200, firstLabel + 300];
    const cases: [string, () => Promise<unknown>][] = [
      [`listPacks (all ${PACKS})`, () => store.listPacks({ page: 0, orderDirection: 'asc' })],
      [`listPacks per_page=20`, () => store.listPacks({ page: 0, perPage: 20, orderDirection: 'asc', orderKey: 'name' })],
      [`packStats (all ${PACKS} packs, one statement)`, () => store.packStats(packIds)],
      ['packStats (20 packs, one page)', () => store.packStats(packIds.slice(0, 20))],
      ['packStats (one pack targeting All Hosts)', () => store.packStats([allHostsPack])],
      ['packStats (one pack: 3 labels + 20 hosts)', () => store.packStats([typicalPack])],
      [`packQueryCounts (all ${PACKS} packs)`, () => store.packQueryCounts(packIds)],
      [`packTargets (all ${PACKS} packs)`, () => store.packTargets(packIds)],
      ['allPacksForAgents', () => store.allPacksForAgents()],
      ['packSpecs', () => store.packSpecs()],
      ['packsForQueries (50 queries)', () => store.packsForQueries(Array.from({ length: 50 }, (_v, i) => i + 1))],
      ['searchHosts terms=[] (most recently seen)', () => store.searchHosts({ terms: [], raw: '' }, [1, 2, 3], 10)],
      ['searchHosts terms=[4242] (11 matches)', () => store.searchHosts({ terms: ['4242'], raw: '4242' }, [], 10)],
      ['searchHosts terms=[host, 4242] (all match)', () => store.searchHosts({ terms: ['host', '4242'], raw: 'host 4242' }, [], 10)],
      ['searchHosts terms=[zzz] (no match)', () => store.searchHosts({ terms: ['zzz'], raw: 'zzz' }, [], 10)],
      ['searchHosts raw=10.0.16.146 (IP)', () => store.searchHosts({ terms: ['10.0.16.146'], raw: '10.0.16.146' }, [], 10)],
      ['searchHosts terms=[host-4242.example.com] (one match)', () => store.searchHosts({ terms: ['host-4242.example.com'], raw: 'host-4242.example.com' }, [], 10)],
      ['searchHosts raw=aa:bb:cc:00:10:92 (MAC)', () => store.searchHosts({ terms: ['aa:bb:cc:00:10:92'], raw: 'aa:bb:cc:00:10:92' }, [], 10)],
      ['searchHosts terms=[... ] (no letter: no word index)', () => store.searchHosts({ terms: ['...'], raw: '...' }, [], 10)],
      ['searchLabels terms=[] ', () => store.searchLabels([], [6], 5)],
      ['searchLabels terms=[perf]', () => store.searchLabels(['perf'], [], 10)],
      ['searchLabels terms=[42]', () => store.searchLabels(['42'], [], 10)],
      ['labelHostCountsFor (All Hosts + 5 builtin + 5 user)', () => store.labelHostCountsFor([6, 7, 8, 9, 10, 11, ...big.slice(0, 5)])],
      ['labelHostCountsFor (5 small labels)', () => store.labelHostCountsFor(small)],
      ['countHostsInTargets All Hosts', () => store.countHostsInTargets({ host_ids: [], label_ids: [6] }, now)],
      ['countHostsInTargets 10 labels of 10k + 100 hosts', () => store.countHostsInTargets({ host_ids: Array.from({ length: 100 }, (_v, i) => i * 37 + 1), label_ids: big }, now)],
      ['countHostsInTargets 3 small labels + 20 hosts', () => store.countHostsInTargets({ host_ids: Array.from({ length: 20 }, (_v, i) => i * 101 + 5), label_ids: small }, now)],
      ['hostIdsInTargets All Hosts', () => store.hostIdsInTargets({ host_ids: [], label_ids: [6] })],
      ['hostIdsInTargets 3 small labels + 20 hosts', () => store.hostIdsInTargets({ host_ids: Array.from({ length: 20 }, (_v, i) => i * 101 + 5), label_ids: small })],
    ];
    for (const [name, fn] of cases) results.push([name, await median(fn)]);
  } finally {
    await perf.close();
  }
  printPerfResults(`${PERF_KIND}, ${HOSTS} hosts, ${LABELS} labels, ${PACKS} packs, median of ${PERF_RUNS} (ms):`, results);
});
