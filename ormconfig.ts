// The TypeORM DataSource for migration commands, run on the compiled output (no ts-node):
//   FLEET_POSTGRES_URL=postgresql://… npx typeorm migration:show -d dist/ormconfig.js
// The server itself runs migrations through `fleet prepare db`; both use the same
// entities and migrations list (datastore/postgres/data-source-options.ts).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './datastore/postgres/data-source-options';

const url = process.env.FLEET_POSTGRES_URL ?? '';
if (url === '') {
  throw new Error('FLEET_POSTGRES_URL is not set (e.g. postgresql://fleet@127.0.0.1:5432/fleet)');
}

// Exactly one DataSource export: the TypeORM CLI refuses files with several.
export default new DataSource(dataSourceOptions(url, 2));
