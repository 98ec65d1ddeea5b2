// One simulator process of several (`--processes N`): runs its shard of the hosts as told
// by the coordinator over IPC and answers with mergeable reports. Warm-up and duration are
// the coordinator's, so every process measures the same window.
import type { FromWorker, ToWorker } from './worker-protocol';
import { startSimulation, type Simulation } from './simulation';

function send(msg: FromWorker, then?: () => void): void {
  if (process.connected) process.send!(msg, undefined, {}, () => then?.());
  else then?.();
}

export function runWorker(): void {
  let sim: Simulation | undefined;
  // Ctrl-C reaches the whole process group; only the coordinator decides when to stop.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  // A coordinator that died cannot collect anything: stop and go.
  process.on('disconnect', () => void (sim ? sim.stop() : Promise.resolve()).then(() => process.exit(0)));
  process.on('message', (msg: ToWorker) => {
    try {
      switch (msg.type) {
        case 'start':
          sim = startSimulation(msg.input);
          send({ type: 'started' });
          break;
        case 'reset':
          sim?.resetWindow();
          break;
        case 'report':
          if (sim) send({ type: 'report', id: msg.id, report: sim.shardReport() });
          break;
        case 'stop':
          void sim?.stop().then(() => send({ type: 'report', id: msg.id, report: sim!.shardReport() }, () => process.disconnect()));
          break;
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
}

if (require.main === module) runWorker();
