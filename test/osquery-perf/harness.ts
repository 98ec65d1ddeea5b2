// Runs a simulation against a fresh FakeFleet and always cleans both up.
import { startSimulation, type Simulation } from '../../cmd/osquery-perf/simulation';
import type { SimulationInput } from '../../cmd/osquery-perf/options';
import { FakeFleet, type FakeFleetOptions } from './fake-fleet';

export const SECRET = '5upVppavMWlR6MMnUM6hXSLQvXmqAL04';

/** Short intervals so every scenario finishes in well under a second or two. */
export const FAST: Omit<SimulationInput, 'serverUrl'> = {
  enrollSecret: SECRET,
  seed: 1,
  hostCount: 4,
  platforms: 'ubuntu:1,centos:1,darwin:1,windows:1',
  startPeriodMs: 0,
  queryIntervalMs: 50,
  configIntervalMs: 200,
  logIntervalMs: 50,
  statusLogIntervalMs: 100,
  enrollBackoffInitialMs: 20,
  enrollBackoffMaxMs: 100,
  requestTimeoutMs: 2000,
  maxSockets: 32,
};

export async function withFleet(
  simOpts: Partial<SimulationInput>,
  fleetOpts: Partial<FakeFleetOptions>,
  body: (sim: Simulation, fleet: FakeFleet) => Promise<void>,
): Promise<void> {
  const fleet = await new FakeFleet({ enrollSecret: SECRET, ...fleetOpts }).start();
  const sim = startSimulation({ ...FAST, ...simOpts, serverUrl: fleet.url });
  try {
    await body(sim, fleet);
  } finally {
    await sim.stop();
    await fleet.close();
  }
}
