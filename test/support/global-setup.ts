// Runs once before all test files. It only probes the Postgres test server and passes
// the verdict to the workers through the environment, so files decide skip/run
// synchronously. (The embedded PGlite store needs nothing here: it runs in a worker
// thread, outside Jest's VM, and so starts fine inside test files.)
import { POSTGRES_AVAILABLE_ENV, postgresAvailable } from './services';

export default async function globalSetup(): Promise<void> {
  process.env[POSTGRES_AVAILABLE_ENV] = (await postgresAvailable()) ? '1' : '0';
}
