'use strict';
// Worker-thread entry that owns the PGlite instance and serves it over the Postgres wire
// protocol on 127.0.0.1 (OS-assigned port). Plain CommonJS on purpose: it must load
// unchanged from the source tree (under Jest, which has no .js for TS sources and whose
// VM cannot host PGlite's dynamic imports) and from dist/.
//
// Protocol with the parent: workerData = { dir, maxConnections };
// the worker posts { type: 'ready', port } (or, with initOnly, { type: 'initialized' })
// or { type: 'error', message };
// the parent posts { type: 'stop' } and gets { type: 'stopped' } once data is flushed.
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

let db;
let server;

async function start() {
  db = await PGlite.create({ dataDir: workerData.dir });
  if (workerData.initOnly) {
    // First boot only: initdb grows the WebAssembly heap to several hundred MB and a
    // wasm heap never shrinks, so the parent runs it in a throw-away worker.
    await db.close();
    parentPort.postMessage({ type: 'initialized' });
    return;
  }
  server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: workerData.maxConnections,
  });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  parentPort.postMessage({ type: 'ready', port });
}

async function stop() {
  // Stop accepting clients first, then close PGlite so its files are synced to disk.
  if (server) await server.stop();
  if (db && !db.closed) await db.close();
}

parentPort.on('message', (msg) => {
  if (!msg || msg.type !== 'stop') return;
  stop().then(
    () => parentPort.postMessage({ type: 'stopped' }),
    (err) => parentPort.postMessage({ type: 'error', message: describe(err) }),
  );
});

function describe(err) {
  return err && err.stack ? String(err.stack) : String(err);
}

start().catch((err) => parentPort.postMessage({ type: 'error', message: describe(err) }));
