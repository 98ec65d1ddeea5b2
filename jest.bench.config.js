/** Benchmarks: run by `npm run bench` only, never by `npm test`. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/bench'],
  testMatch: ['**/*.bench.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['reflect-metadata'],
  testTimeout: 600000,
  // Benchmarks spawn servers and keep-alive clients; do not wait for stray handles.
  forceExit: true,
};
