import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS, PostgresDatastore } from '../../datastore/postgres';
import { HOST_SEARCH_WORDS } from '../../datastore/postgres/targets.repository';
import { NEVER_UPDATED } from '../../internal/fleet';
import { createTestDatabase, describeIfPostgres, queryDatabase, type TestDatabase } from '../support/services';
import { describeDatastoreContract, newUserInput } from './contract';

const migrationNames = MIGRATIONS.map((m) => new m().name);

describeIfPostgres('postgres', () => {
  let db: TestDatabase;
  describeDatastoreContract(
    'postgres',
    async () => {
      db = await createTestDatabase();
      return new PostgresDatastore({ url: db.url, poolSize: 4 });
    },
    async () => db?.drop(),
  );

  describe('migrations', () => {
    let fresh: TestDatabase;
    let store: PostgresDatastore;

    beforeAll(async () => {
      fresh = await createTestDatabase();
      store = new PostgresDatastore({ url: fresh.url });
    });
    afterAll(async () => {
      await store.close();
      await fresh.drop();
    });

    test('a fresh database has every migration pending and prepare runs them', async () => {
      expect(await store.migrationStatus()).toEqual({ pending: migrationNames, unknown: [] });
      // migrationStatus only reads: it must not have created the migrations table.
      expect(await queryDatabase(fresh.url, "SELECT to_regclass('migrations') AS t")).toEqual([{ t: null }]);
      await store.prepare();
      expect(await store.migrationStatus()).toEqual({ pending: [], unknown: [] });
      expect(store.kind).toBe('postgres');
    });

    test('migrations run by a newer server are reported as unknown', async () => {
      await queryDatabase(fresh.url, "INSERT INTO migrations (timestamp, name) VALUES (1900000000000, 'FromTheFuture1900000000000')");
      expect(await store.migrationStatus()).toEqual({ pending: [], unknown: ['FromTheFuture1900000000000'] });
    });

    test('the case-insensitive indexes exist', async () => {
      const rows = await queryDatabase(fresh.url, "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%lower(%' ORDER BY indexname");
      expect(rows.map((r) => r.indexname)).toEqual([
        'hosts_host_name_lower_idx',
        'hosts_osquery_host_id_lower_key',
        'hosts_search_words_idx',
        'hosts_uuid_lower_idx',
        'invites_email_lower_key',
        'labels_name_lower_key',
        'packs_name_lower_key',
        'queries_name_lower_key',
        'users_email_lower_key',
        'users_username_lower_key',
      ]);
    });

    test('the target search’s word expression is the one hosts_search_words_idx indexes', async () => {
      const client = new Client({ connectionString: fresh.url });
      await client.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const plan = await client.query(`EXPLAIN SELECT h.id FROM hosts h WHERE ${HOST_SEARCH_WORDS} @@ '''web'':*'::tsquery`);
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('hosts_search_words_idx');
      } finally {
        await client.end();
      }
    });

    test('hosts cascade to memberships and labels too, at the SQL level', async () => {
      const { host } = await store.enrollHost({ osqueryHostId: 'sql-1', nodeKeyHash: 'sql-k1', enrollSecretName: '', now: new Date(), details: {} });
      const label = await store.newLabel({ name: 'sql-label', description: '', query: 'select 1;', platform: '', label_type: 'regular', label_membership_type: 'dynamic' });
      await store.updateHost(host.id, { labels: { results: [[label.id, true]], at: new Date() } });
      const count = async () => (await queryDatabase(fresh.url, 'SELECT count(*)::int AS n FROM label_membership WHERE host_id = $1', [host.id]))[0]!.n;
      expect(await count()).toBe(2);
      await queryDatabase(fresh.url, 'DELETE FROM labels WHERE id = $1', [label.id]);
      expect(await count()).toBe(1);
      await queryDatabase(fresh.url, 'DELETE FROM hosts WHERE id = $1', [host.id]);
      expect(await count()).toBe(0);
    });

    test('seen times live in the narrow host_seen_times: one row per host, written by markHostsSeen, gone with the host', async () => {
      const columns = await queryDatabase(fresh.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'hosts' AND column_name = 'seen_time'");
      expect(columns).toEqual([]);
      const enrolledAt = new Date('2030-03-01T00:00:00Z');
      const { host } = await store.enrollHost({ osqueryHostId: 'seen-1', nodeKeyHash: 'seen-k1', enrollSecretName: '', now: enrolledAt, details: {} });
      const seenRows = async () => queryDatabase(fresh.url, 'SELECT seen_time FROM host_seen_times WHERE host_id = $1', [host.id]);
      expect(await seenRows()).toEqual([{ seen_time: enrolledAt }]);
      const hostRow = async () => (await queryDatabase(fresh.url, 'SELECT xmin::text AS v FROM hosts WHERE id = $1', [host.id]))[0]!.v;
      const version = await hostRow();
      const seen = new Date('2030-03-01T00:05:00Z');
      await store.markHostsSeen([host.id], seen);
      expect(await seenRows()).toEqual([{ seen_time: seen }]);
      expect(await hostRow()).toBe(version); // the wide row is not rewritten
      await store.deleteHost(host.id);
      expect(await seenRows()).toEqual([]);
    });

    test('host_seen_times.online_window_s follows min(distributed_interval, config_tls_refresh) + 30 on every write path', async () => {
      const now = new Date('2030-04-01T00:00:00Z');
      const windowOf = async (id: number) =>
        (await queryDatabase(fresh.url, 'SELECT online_window_s AS w FROM host_seen_times WHERE host_id = $1', [id]))[0]!.w;
      const { host } = await store.enrollHost({ osqueryHostId: 'win-1', nodeKeyHash: 'win-k1', enrollSecretName: '', now, details: { distributed_interval: 10, config_tls_refresh: 20 } });
      expect(await windowOf(host.id)).toBe(40);
      const { host: bare } = await store.enrollHost({ osqueryHostId: 'win-2', nodeKeyHash: 'win-k2', enrollSecretName: '', now, details: {} });
      expect(await windowOf(bare.id)).toBe(30);
      await store.updateHost(host.id, { details: { config_tls_refresh: 5 } });
      expect(await windowOf(host.id)).toBe(35);
      await store.updateHost(host.id, { details: { uptime: 9 } });
      expect(await windowOf(host.id)).toBe(35);
      await store.updateHost(host.id, { details: { distributed_interval: 2, config_tls_refresh: 300 } });
      expect(await windowOf(host.id)).toBe(32);
      // Re-enroll with new facts.
      await store.enrollHost({ osqueryHostId: 'win-1', nodeKeyHash: 'win-k3', enrollSecretName: '', now, details: { distributed_interval: 60 } });
      expect(await windowOf(host.id)).toBe(90);
      await store.enrollHost({ osqueryHostId: 'win-1', nodeKeyHash: 'win-k4', enrollSecretName: '', now, details: {} });
      expect(await windowOf(host.id)).toBe(90);
      // The summary follows it: seen 60 s before `at`, online under a 90 s window, offline under 32 s.
      const at = new Date(now.getTime() + 60_000);
      const before = await store.hostStatusSummary(at);
      await store.updateHost(host.id, { details: { distributed_interval: 2 } });
      const after = await store.hostStatusSummary(at);
      expect(after.online_count).toBe(before.online_count - 1);
      expect(after.offline_count).toBe(before.offline_count + 1);
      await store.deleteHost(host.id);
      await store.deleteHost(bare.id);
    });

    test('deleting a user leaves its queries without an author; queries and packs cascade to scheduled queries and targets', async () => {
      const user = await store.newUser(newUserInput());
      const query = await store.newQuery({ name: 'authored', description: '', query: 'select 1;', saved: true, author_id: user.id });
      expect(query.author_name).toBe(user.name);
      await queryDatabase(fresh.url, 'DELETE FROM users WHERE id = $1', [user.id]);
      expect(await store.query(query.id)).toMatchObject({ author_id: null, author_name: '' });

      const pack = await store.newPack({ name: 'cascade', description: '', platform: '', disabled: false }, { host_ids: [987_001], label_ids: [987_002] });
      await store.newScheduledQuery(pack.id, query.id, { description: '', interval: 1, snapshot: null, removed: null, platform: null, version: null, shard: null, denylist: null });
      const rows = async (table: string) => (await queryDatabase(fresh.url, `SELECT count(*)::int AS n FROM ${table} WHERE pack_id = $1`, [pack.id]))[0]!.n;
      // Targets have no foreign key to hosts or labels: unknown ids are stored (and never reported).
      expect(await rows('pack_targets')).toBe(2);
      expect(await rows('scheduled_queries')).toBe(1);
      await queryDatabase(fresh.url, 'DELETE FROM queries WHERE id = $1', [query.id]);
      expect(await rows('scheduled_queries')).toBe(0);
      await queryDatabase(fresh.url, 'DELETE FROM packs WHERE id = $1', [pack.id]);
      expect(await rows('pack_targets')).toBe(0);
    });

    test('healthCheck fails with a clear error when the server is unreachable', async () => {
      const down = new PostgresDatastore({ url: 'postgresql://postgres@127.0.0.1:1/none' });
      await expect(down.healthCheck()).rejects.toThrow(/postgres datastore/);
      await down.close();
    });
  });

  describe('upgrading a database that ran only the initial migration', () => {
    let old: TestDatabase;
    let store: PostgresDatastore;

    beforeAll(async () => {
      old = await createTestDatabase();
      // The schema as a server of the previous release left it, with a user in it.
      const ds = await new DataSource({ ...dataSourceOptions(old.url, 1), migrations: [MIGRATIONS[0]!] }).initialize();
      await ds.runMigrations({ transaction: 'each' });
      await ds.destroy();
      store = new PostgresDatastore({ url: old.url });
    });
    afterAll(async () => {
      await store.close();
      await old.drop();
    });

    test('reports only the new migration pending, and prepare runs it keeping the data', async () => {
      const user = await store.newUser(newUserInput());
      expect(await store.migrationStatus()).toEqual({ pending: migrationNames.slice(1), unknown: [] });
      await store.prepare();
      expect(await store.migrationStatus()).toEqual({ pending: [], unknown: [] });
      expect(await store.user(user.id)).toEqual(user);
      const { host } = await store.enrollHost({ osqueryHostId: 'up-1', nodeKeyHash: 'up-k1', enrollSecretName: 'default', now: new Date(), details: {} });
      expect(host.detail_updated_at.getTime()).toBe(NEVER_UPDATED.getTime());
      expect((await store.labelsForHost(host.id)).map((l) => l.name)).toEqual(['All Hosts']);
    });
  });
});
