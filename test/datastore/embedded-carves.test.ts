// The embedded store keeps carve block bytes in files beside PGlite's directory
// (`<dir>-carves/<carve id>-<session id>/<block>`): they survive a reopen, expiry removes
// them, and the hourly sweep removes the files of carves whose host was deleted.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedDatastore } from '../../datastore/embedded';
import { embeddedCarvesDir } from '../../datastore/embedded/embedded-datastore';
import { NotFoundError, type NewCarve } from '../../internal/fleet';

const BOOT_TIMEOUT_MS = 180_000;

describe('embedded carve blocks', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-embedded-carves-'));
  const carvesDir = embeddedCarvesDir({ dir });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(carvesDir, { recursive: true, force: true });
  });

  const input = (hostId: number, createdAt: Date): NewCarve => ({
    created_at: createdAt,
    host_id: hostId,
    name: `h-${randomUUID()}`,
    block_count: 3,
    block_size: 1024,
    carve_size: 3000,
    carve_id: randomUUID(),
    request_id: 'fleet_distributed_query_1',
    session_id: randomUUID(),
  });

  test(
    'blocks are files that survive reopen; expiry and host deletion remove them',
    async () => {
      expect(carvesDir).toBe(`${dir}-carves`);
      const blocks = [randomBytes(1024), randomBytes(1024), randomBytes(952)];
      const first = new EmbeddedDatastore({ dir });
      let carveId: number;
      let doomedId: number;
      let hostId: number;
      let doomedHostId: number;
      try {
        await first.prepare();
        hostId = (await first.enrollHost({ osqueryHostId: 'carver', nodeKeyHash: 'k1', enrollSecretName: '', now: new Date(), details: {} })).host.id;
        doomedHostId = (await first.enrollHost({ osqueryHostId: 'doomed', nodeKeyHash: 'k2', enrollSecretName: '', now: new Date(), details: {} })).host.id;
        const carve = await first.newCarve(input(hostId, new Date('2030-01-01T00:00:00Z')));
        carveId = carve.id;
        for (const [i, b] of blocks.entries()) await first.appendCarveBlock(carve.id, i, b);
        const doomed = await first.newCarve(input(doomedHostId, new Date('2030-01-01T00:00:00Z')));
        doomedId = doomed.id;
        await first.appendCarveBlock(doomed.id, 0, randomBytes(10));
        const carveDir = path.join(carvesDir, `${carve.id}-${carve.session_id}`);
        expect(readdirSync(carveDir).sort()).toEqual(['0', '1', '2']);
        // Nothing of the block bytes went into the database.
        const rows = await (first as unknown as { db: { get(): Promise<{ query(sql: string): Promise<unknown[]> }> } }).db
          .get()
          .then((ds) => ds.query('SELECT count(*)::int AS n FROM carve_blocks'));
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        await first.close();
      }

      const second = new EmbeddedDatastore({ dir });
      try {
        expect((await second.carve(carveId)).max_block).toBe(2);
        for (const [i, b] of blocks.entries()) expect((await second.carveBlock(carveId, i)).equals(b)).toBe(true);

        // A deleted host's carve rows cascade at once; its files go with the next sweep.
        await second.deleteHost(doomedHostId);
        await expect(second.carve(doomedId)).rejects.toBeInstanceOf(NotFoundError);
        expect(await second.expireCarves(new Date('2029-01-01T00:00:00Z'))).toBe(0);
        expect(readdirSync(carvesDir).filter((e) => e.startsWith(`${doomedId}-`))).toEqual([]);
        expect(readdirSync(carvesDir).filter((e) => e.startsWith(`${carveId}-`))).toHaveLength(1);

        expect(await second.expireCarves(new Date('2030-01-02T00:00:00Z'))).toBe(1);
        expect(readdirSync(carvesDir)).toEqual([]);
        await expect(second.carveBlock(carveId, 0)).rejects.toBeInstanceOf(NotFoundError);
        expect((await second.carve(carveId)).expired).toBe(true);
        expect(existsSync(dir)).toBe(true);
      } finally {
        await second.close();
      }
    },
    BOOT_TIMEOUT_MS,
  );
});
