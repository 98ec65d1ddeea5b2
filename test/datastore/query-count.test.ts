// The Postgres adapter's statement counter (PostgresDatastoreOptions.onQuery), which the
// server exports as fleet_datastore_queries_total so benchmarks can show that a check-in
// with nothing due sends no SQL. Pinned per call: a change in how many statements a call
// sends shows up here. Independent of the contract suite (it opens its own stores).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { EmbeddedDatastore } from '../../datastore/embedded';
import { CountingLogger, dataSourceOptions, PostgresDatastore } from '../../datastore/postgres';
import type { LazyDataSource } from '../../datastore/postgres/connection';
import { NotFoundError } from '../../internal/fleet';
import { createTestDatabase, describeIfPostgres, type TestDatabase } from '../support/services';

const BOOT_TIMEOUT_MS = 180_000;

function describeQueryCounting(kind: string, open: (onQuery: () => void) => Promise<PostgresDatastore>, cleanup: () => Promise<void>): void {
  describe(`${kind}: statement counting`, () => {
    let store: PostgresDatastore;
    let count = 0;
    /** Statements sent while `fn` ran. */
    async function sent(fn: () => Promise<unknown>): Promise<number> {
      const before = count;
      await fn();
      return count - before;
    }
    const enroll = (tag: string) =>
      store.enrollHost({ osqueryHostId: `qc-${tag}`, nodeKeyHash: `qc-key-${tag}`, enrollSecretName: 'default', now: new Date(), details: {} });

    beforeAll(async () => {
      store = await open(() => {
        count += 1;
      });
      await store.prepare();
    }, BOOT_TIMEOUT_MS);
    afterAll(async () => {
      await store?.close();
      await cleanup();
    });

    test('counts from the first statement, migrations included', () => {
      expect(count).toBeGreaterThan(10);
    });

    test('single-statement reads and writes count one each', async () => {
      const { host } = await enroll('single');
      const now = new Date();
      expect(await sent(() => store.host(host.id))).toBe(1);
      expect(await sent(() => store.hostByNodeKeyHash(host.node_key_hash))).toBe(1);
      expect(await sent(() => store.hostByNodeKeyHash('no-such-key'))).toBe(1);
      expect(await sent(() => store.listHosts({ page: 0, perPage: 10, orderDirection: 'asc', now, status: 'online' }))).toBe(1);
      expect(await sent(() => store.hostStatusSummary(now))).toBe(1);
      expect(await sent(() => store.markHostsSeen([host.id, 987_654], now))).toBe(1);
      expect(await sent(() => store.labelsForHost(host.id))).toBe(1);
      expect(await sent(() => store.healthCheck())).toBe(1);
    });

    test('a call that needs no statement sends none', async () => {
      expect(await sent(() => store.markHostsSeen([], new Date()))).toBe(0);
      expect(await sent(() => store.hostByIdentifier(''))).toBe(0);
    });

    test('N calls, one after another or at once, count exactly N', async () => {
      const { host } = await enroll('n-calls');
      expect(await sent(async () => {
        for (let i = 0; i < 25; i++) await store.host(host.id);
      })).toBe(25);
      expect(await sent(() => Promise.all(Array.from({ length: 25 }, () => store.host(host.id))))).toBe(25);
    });

    test('statements inside a transaction count, with its START TRANSACTION and COMMIT / ROLLBACK', async () => {
      // START, SELECT … FOR UPDATE, INSERT host + seen row (one statement), INSERT "All Hosts" membership, SELECT, COMMIT.
      expect(await sent(() => enroll('tx-new'))).toBe(6);
      // Re-enroll: START, SELECT … FOR UPDATE, UPDATE, INSERT membership, SELECT, COMMIT.
      expect(await sent(() => enroll('tx-new'))).toBe(6);
      const { host } = await enroll('tx-update');
      // START, UPDATE, COMMIT.
      expect(await sent(() => store.updateHost(host.id, { details: { uptime: 5 } }))).toBe(3);
      // START, UPDATE (no row), ROLLBACK.
      expect(await sent(() => expect(store.updateHost(987_655, { details: { uptime: 5 } })).rejects.toBeInstanceOf(NotFoundError))).toBe(3);
    });

    test('queries, packs and targets: the hot reads are one statement each (allPacksForAgents two), whatever the size', async () => {
      const { host } = await enroll('packs');
      const label = await store.newLabel({ name: 'qc-label', description: '', query: 'select 1;', platform: '', label_type: 'regular', label_membership_type: 'dynamic' });
      const query = await store.newQuery({ name: 'qc-query', description: '', query: 'select 1;', saved: true, author_id: null });
      const packs = [];
      for (let i = 0; i < 3; i++) {
        const pack = await store.newPack({ name: `qc-pack-${i}`, description: '', platform: '', disabled: false }, { host_ids: [host.id], label_ids: [label.id] });
        await store.newScheduledQuery(pack.id, query.id, { description: '', interval: 60, snapshot: null, removed: null, platform: null, version: null, shard: null, denylist: null });
        packs.push(pack);
      }
      const ids = packs.map((p) => p.id);
      const now = new Date();
      const all = { page: 0, orderDirection: 'asc' as const };
      expect(await sent(() => store.allPacksForAgents())).toBe(2);
      expect(await sent(() => store.packStats(ids))).toBe(1);
      expect(await sent(() => store.packTargets(ids))).toBe(1);
      expect(await sent(() => store.listPacks(all))).toBe(1);
      expect(await sent(() => store.packSpecs())).toBe(1);
      expect(await sent(() => store.packsForQueries([query.id, 987_001]))).toBe(1);
      expect(await sent(() => store.listQueries(all))).toBe(1);
      expect(await sent(() => store.query(query.id))).toBe(1);
      expect(await sent(() => store.listScheduledQueriesInPack(ids[0]!, all))).toBe(1);
      expect(await sent(() => store.searchHosts({ terms: ['qc'], raw: 'qc' }, [host.id], 10))).toBe(1);
      expect(await sent(() => store.searchHosts({ terms: [], raw: '' }, [], 10))).toBe(1);
      expect(await sent(() => store.searchLabels(['qc'], [], 10))).toBe(1);
      expect(await sent(() => store.countHostsInTargets({ host_ids: [host.id], label_ids: [label.id] }, now))).toBe(1);
      expect(await sent(() => store.hostIdsInTargets({ host_ids: [host.id], label_ids: [label.id] }))).toBe(1);
      // Nothing to read, nothing sent.
      expect(await sent(() => store.packStats([]))).toBe(0);
      expect(await sent(() => store.countHostsInTargets({ host_ids: [], label_ids: [] }, now))).toBe(0);
      expect(await sent(() => store.deleteQueries([]))).toBe(0);
    });

    test('queries, packs and targets: writes', async () => {
      const query = await store.newQuery({ name: 'qc-write', description: '', query: 'select 1;', saved: true, author_id: null });
      // The pack and its targets in one statement.
      let packId = 0;
      expect(await sent(async () => (packId = (await store.newPack({ name: 'qc-write', description: '', platform: '', disabled: false }, { host_ids: [1, 2], label_ids: [6] })).id))).toBe(1);
      const pack = await store.pack(packId);
      expect(await sent(() => store.savePack(pack))).toBe(1);
      // START, UPDATE (locks the pack), DELETE targets, INSERT targets, COMMIT.
      expect(await sent(() => store.savePack(pack, { host_ids: [3], label_ids: [] }))).toBe(5);
      // START, lock pack + names + query name, INSERT … RETURNING with the join, COMMIT.
      const options = { description: '', interval: 60, snapshot: null, removed: null, platform: null, version: null, shard: null, denylist: null };
      expect(await sent(() => store.newScheduledQuery(packId, query.id, options))).toBe(4);
      // START, resolve names, UPDATE pack (hit), DELETE scheduled + targets, INSERT scheduled + targets, COMMIT.
      const spec = { name: 'qc-write', description: '', platform: '', disabled: false, targets: { labels: ['All Hosts'] }, queries: [{ query: 'qc-write', name: 'a', description: '', interval: 1 }] };
      expect(await sent(() => store.applyPackSpecs([spec]))).toBe(6);
      // A new pack adds its INSERT after the UPDATE that found nothing.
      expect(await sent(() => store.applyPackSpecs([{ ...spec, name: 'qc-write-2' }]))).toBe(7);
    });

    test('raw queries on the DataSource and on a query runner count, failed ones too', async () => {
      // Around the ports on purpose: every path to the server is counted, not just the repositories'.
      const ds: DataSource = await (store as unknown as { db: LazyDataSource }).db.get();
      expect(await sent(() => ds.query('SELECT 1'))).toBe(1);
      expect(await sent(() => expect(ds.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/))).toBe(1);
      expect(
        await sent(async () => {
          const runner = ds.createQueryRunner();
          try {
            await runner.startTransaction();
            await runner.query('SELECT 1');
            await runner.query('SELECT 2');
            await runner.rollbackTransaction();
          } finally {
            await runner.release();
          }
        }),
      ).toBe(4);
    });

    test('counting works with logging off: nothing is printed', async () => {
      const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m));
      try {
        const { host } = await enroll('quiet');
        expect(await sent(() => store.host(host.id))).toBe(1);
        for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });
  });
}

describeIfPostgres('postgres', () => {
  let db: TestDatabase | undefined;
  describeQueryCounting(
    'postgres',
    async (onQuery) => {
      db = await createTestDatabase();
      return new PostgresDatastore({ url: db.url, poolSize: 4, onQuery });
    },
    async () => db?.drop(),
  );
});

let dir: string | undefined;
describeQueryCounting(
  'embedded',
  async (onQuery) => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-query-count-'));
    return new EmbeddedDatastore({ dir, onQuery });
  },
  async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
);

test('the counting logger is installed only when onQuery is given, and keeps logging off', () => {
  expect(dataSourceOptions('postgresql://x@127.0.0.1/db').logger).toBeUndefined();
  const options = dataSourceOptions('postgresql://x@127.0.0.1/db', 2, { onQuery: () => undefined });
  expect(options.logger).toBeInstanceOf(CountingLogger);
  expect(options.logging).toBe(false);
});
