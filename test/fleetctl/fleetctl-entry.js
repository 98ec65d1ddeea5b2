// The real fleetctl entry point, run from TypeScript sources (see test/support/swc-register.js).
require('../support/swc-register');
require('../../cmd/fleetctl/main.ts')
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
