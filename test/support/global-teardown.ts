// Nothing global to stop: each test file drops its own databases and closes its stores.
export default async function globalTeardown(): Promise<void> {}
