export { InmemDatastore } from './inmem-datastore';
