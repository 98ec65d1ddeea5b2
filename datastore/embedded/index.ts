export { EmbeddedDatastore, type EmbeddedDatastoreOptions } from './embedded-datastore';
