import { MIGRATIONS, PostgresDatastore } from '../../datastore/postgres';
import { createTestDatabase, describeIfPostgres, queryDatabase, type TestDatabase } from '../support/services';
import { describeDatastoreContract } from './contract';

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

    test('the case-insensitive unique indexes exist', async () => {
      const rows = await queryDatabase(fresh.url, "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%lower(%' ORDER BY indexname");
      expect(rows.map((r) => r.indexname)).toEqual([
        'invites_email_lower_key',
        'labels_name_lower_key',
        'users_email_lower_key',
        'users_username_lower_key',
      ]);
    });

    test('healthCheck fails with a clear error when the server is unreachable', async () => {
      const down = new PostgresDatastore({ url: 'postgresql://postgres@127.0.0.1:1/none' });
      await expect(down.healthCheck()).rejects.toThrow(/postgres datastore/);
      await down.close();
    });
  });
});
