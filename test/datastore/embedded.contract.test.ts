import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedDatastore } from '../../datastore/embedded';
import { defaultAppConfig } from '../../internal/fleet';
import { describeDatastoreContract, newUserInput } from './contract';

// PGlite boots in a worker thread (outside Jest's VM), so it can start right here.
const BOOT_TIMEOUT_MS = 180_000;

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'fleet-embedded-'));
}

let contractDir: string;
describeDatastoreContract(
  'embedded',
  async () => {
    contractDir = tempDir();
    return new EmbeddedDatastore({ dir: contractDir });
  },
  async () => {
    rmSync(contractDir, { recursive: true, force: true });
    rmSync(`${contractDir}-carves`, { recursive: true, force: true });
  },
);

describe('embedded persistence', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(
    'users, sessions and settings survive close and reopen of the same directory',
    async () => {
      const first = new EmbeddedDatastore({ dir });
      expect(first.kind).toBe('embedded');
      await first.prepare();
      const user = await first.newUser(newUserInput());
      const session = await first.newSession(user.id, 'persisted-key');
      const config = defaultAppConfig();
      config.org_info.org_name = 'Persisted Org';
      await first.saveAppConfig(config);
      await first.applyEnrollSecrets([{ name: 'default', secret: 'persisted-secret', active: true }]);
      await first.close();
      await first.close(); // idempotent

      const second = new EmbeddedDatastore({ dir });
      try {
        expect(await second.migrationStatus()).toEqual({ pending: [], unknown: [] });
        expect(await second.user(user.id)).toEqual(user);
        expect(await second.sessionByKeyHash('persisted-key')).toEqual(session);
        expect((await second.appConfig()).org_info.org_name).toBe('Persisted Org');
        expect(await second.activeEnrollSecretName('persisted-secret')).toBe('default');
        await second.prepare();
        expect((await second.listLabels()).map((l) => l.id)).toEqual([6, 7, 8, 9, 10]);
      } finally {
        await second.close();
      }
    },
    BOOT_TIMEOUT_MS,
  );

  test('a closed store refuses further calls', async () => {
    const store = new EmbeddedDatastore({ dir: path.join(dir, 'never-opened') });
    await store.close();
    await expect(store.countUsers()).rejects.toThrow(/closed/);
  });
});
