export { PostgresDatastore, type PostgresDatastoreOptions } from './postgres-datastore';
export { dataSourceOptions } from './data-source-options';
export { ENTITIES } from './entities';
export { MIGRATIONS } from './migrations';
export { CountingLogger, type DatastoreHooks } from './counting-logger';
