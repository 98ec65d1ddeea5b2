import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import { describeDatastoreContract } from './contract';

describeDatastoreContract('inmem', async () => new InmemDatastore());

test('the in-memory store reports no migrations', async () => {
  const store = new InmemDatastore();
  expect(store.kind).toBe('inmem');
  expect(await store.migrationStatus()).toEqual({ pending: [], unknown: [] });
});
