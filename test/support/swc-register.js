// Lets a child `node` process run our TypeScript directly (`node -r ./test/support/swc-register.js x.ts`),
// so tests can start real CLI processes without a build. Transforms are cached on disk by
// content hash because every spawned process would otherwise redo them.
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const swcrc = JSON.parse(readFileSync(join(__dirname, '..', '..', '.swcrc'), 'utf8'));
delete swcrc.$schema;
const cacheDir = join(tmpdir(), `fleet-swc-cache-${process.getuid ? process.getuid() : 'u'}`);
mkdirSync(cacheDir, { recursive: true });

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha1').update(filename).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(source, { ...swcrc, filename, swcrc: false, configFile: false }).code;
    const tmp = `${cached}.${process.pid}`;
    writeFileSync(tmp, code);
    require('node:fs').renameSync(tmp, cached);
  }
  module._compile(code, filename);
};
