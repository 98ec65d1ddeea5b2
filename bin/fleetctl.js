#!/usr/bin/env node
// Installed command: runs the compiled fleetctl (`npm run build` first when working from a clone).
require('../dist/cmd/fleetctl/main.js')
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
