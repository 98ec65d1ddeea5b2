#!/usr/bin/env node
// Installed command: runs the compiled CLI (`npm run build` first when working from a clone).
require('../dist/cmd/fleet/main.js').run(process.argv);
