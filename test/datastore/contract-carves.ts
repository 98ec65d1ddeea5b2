// The carves part of the datastore contract (CarveStore); describeDatastoreContract runs it
// against every adapter on the shared store. Tests make their own hosts and carves and
// compare only their own rows.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CarveBlockOrderError,
  CarveExpiredError,
  NotFoundError,
  type CarveListOptions,
  type Datastore,
  type NewCarve,
} from '../../internal/fleet';
import { enrollUniqueHost, expectError, uniq as uniqTag } from './contract-helpers';

const uniq = () => uniqTag('c');

const all = (o: Partial<CarveListOptions> = {}): CarveListOptions => ({ page: 0, orderDirection: 'asc', includeExpired: false, ...o });

export function describeCarveContract(getStore: () => Datastore): void {
  describe('carves', () => {
    let store: Datastore;
    beforeAll(() => {
      store = getStore();
    });

    function makeHost() {
      return enrollUniqueHost(
        store,
        { infix: 'c', id: (tag) => `carve-${tag}`, key: (tag) => `carve-key-${tag}`, hostname: (tag) => `carver-${tag}` },
        { enrollSecretName: '' },
      );
    }

    function carveInput(hostId: number, o: Partial<NewCarve> = {}): NewCarve {
      const tag = uniq();
      return {
        created_at: new Date('2030-01-02T03:04:05Z'),
        host_id: hostId,
        name: `carver-${tag}`,
        block_count: 3,
        block_size: 16,
        carve_size: 40,
        carve_id: randomUUID(),
        request_id: `fleet_distributed_query_${tag}`,
        session_id: randomUUID(),
        ...o,
      };
    }

    test('newCarve starts without blocks; carve and carveBySessionId read it back', async () => {
      const host = await makeHost();
      const input = carveInput(host.id, { carve_size: 5 * 1024 * 1024 * 1024, block_size: 256 * 1024 * 1024, block_count: 20 });
      const carve = await store.newCarve(input);
      expect(carve).toEqual({ ...input, id: expect.any(Number), expired: false, max_block: -1 });
      expect(await store.carve(carve.id)).toEqual(carve);
      expect(await store.carveBySessionId(input.session_id)).toEqual(carve);
      expect(await store.carveBySessionId(randomUUID())).toBeNull();
      await expectError(store.carve(987_654_321), NotFoundError, 'Carve 987654321 was not found in the datastore');
    });

    test('blocks are appended strictly in order and read back byte for byte', async () => {
      const host = await makeHost();
      const carve = await store.newCarve(carveInput(host.id));
      const blocks = [randomBytes(16), randomBytes(16), randomBytes(8)];
      await expectError(store.appendCarveBlock(carve.id, 1, blocks[1]!), CarveBlockOrderError, 'block_id does not match expected block (0): 1');
      await store.appendCarveBlock(carve.id, 0, blocks[0]!);
      expect((await store.carve(carve.id)).max_block).toBe(0);
      await expectError(store.appendCarveBlock(carve.id, 0, blocks[0]!), CarveBlockOrderError, 'block_id does not match expected block (1): 0');
      await store.appendCarveBlock(carve.id, 1, blocks[1]!);
      await store.appendCarveBlock(carve.id, 2, blocks[2]!);
      expect((await store.carve(carve.id)).max_block).toBe(2);
      for (const [i, b] of blocks.entries()) expect((await store.carveBlock(carve.id, i)).equals(b)).toBe(true);
      await expectError(store.carveBlock(carve.id, 3), NotFoundError);
      await expectError(store.carveBlock(987_654_321, 0), NotFoundError);
      await expectError(store.appendCarveBlock(987_654_321, 0, blocks[0]!), NotFoundError);
      // An empty block and binary zeros survive too.
      const other = await store.newCarve(carveInput(host.id));
      await store.appendCarveBlock(other.id, 0, Buffer.alloc(0));
      expect((await store.carveBlock(other.id, 0)).length).toBe(0);
    });

    test('two uploads of the same block race: exactly one is stored', async () => {
      const host = await makeHost();
      const carve = await store.newCarve(carveInput(host.id));
      const a = Buffer.alloc(16, 1);
      const b = Buffer.alloc(16, 2);
      const results = await Promise.allSettled([store.appendCarveBlock(carve.id, 0, a), store.appendCarveBlock(carve.id, 0, b)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(CarveBlockOrderError);
      const winner = results[0]!.status === 'fulfilled' ? a : b;
      expect((await store.carveBlock(carve.id, 0)).equals(winner)).toBe(true);
      expect((await store.carve(carve.id)).max_block).toBe(0);
    });

    test('listCarves hides expired carves unless asked, orders and pages', async () => {
      const host = await makeHost();
      const old = await store.newCarve(carveInput(host.id, { created_at: new Date('2001-01-01T00:00:00Z') }));
      const mid = await store.newCarve(carveInput(host.id, { created_at: new Date('2001-06-01T00:00:00Z') }));
      const young = await store.newCarve(carveInput(host.id, { created_at: new Date('2035-01-01T00:00:00Z') }));
      await store.appendCarveBlock(old.id, 0, randomBytes(16));
      await store.appendCarveBlock(mid.id, 0, randomBytes(16));
      const mine = [old.id, mid.id, young.id];
      const ids = (list: { id: number }[]) => list.map((c) => c.id).filter((id) => mine.includes(id));
      expect(ids(await store.listCarves(all()))).toEqual(mine);
      expect(ids(await store.listCarves(all({ orderKey: 'created_at', orderDirection: 'desc' })))).toEqual([young.id, mid.id, old.id]);

      // Only carves created before the cutoff that are not yet expired count.
      expect(await store.expireCarves(new Date('2001-02-01T00:00:00Z'))).toBe(1);
      expect(await store.expireCarves(new Date('2001-02-01T00:00:00Z'))).toBe(0);
      const expired = await store.carve(old.id);
      expect(expired).toMatchObject({ expired: true, max_block: 0 });
      await expectError(store.carveBlock(old.id, 0), NotFoundError);
      await expectError(store.appendCarveBlock(old.id, 1, randomBytes(16)), CarveExpiredError);
      expect((await store.carveBlock(mid.id, 0)).length).toBe(16);

      expect(ids(await store.listCarves(all()))).toEqual([mid.id, young.id]);
      expect(ids(await store.listCarves(all({ includeExpired: true })))).toEqual(mine);
      const listed = (await store.listCarves(all({ includeExpired: true }))).find((c) => c.id === old.id);
      expect(listed).toEqual(expired);
      const page = await store.listCarves(all({ includeExpired: true, perPage: 1, page: 0, orderKey: 'id', orderDirection: 'desc' }));
      expect(page).toHaveLength(1);
    });

    test("deleting a host deletes its carves and their blocks", async () => {
      const host = await makeHost();
      const keep = await makeHost();
      const carve = await store.newCarve(carveInput(host.id));
      const kept = await store.newCarve(carveInput(keep.id));
      await store.appendCarveBlock(carve.id, 0, randomBytes(16));
      await store.deleteHost(host.id);
      await expectError(store.carve(carve.id), NotFoundError);
      expect(await store.carveBySessionId(carve.session_id)).toBeNull();
      await expectError(store.carveBlock(carve.id, 0), NotFoundError);
      const ids = (await store.listCarves(all({ includeExpired: true }))).map((c) => c.id);
      expect(ids).not.toContain(carve.id);
      expect(ids).toContain(kept.id);
    });
  });
}
