// Messages between the coordinator of `--processes N` and each simulator process.
import type { SimulationInput } from './options';
import type { ShardReport } from './stats-merge';

export type ToWorker =
  | { type: 'start'; input: SimulationInput }
  /** Restart the measurement window (the coordinator's --warmup). */
  | { type: 'reset' }
  | { type: 'report'; id: number }
  /** Stop the agents and answer with the final report. */
  | { type: 'stop'; id: number };

export type FromWorker =
  | { type: 'started' }
  | { type: 'report'; id: number; report: ShardReport }
  | { type: 'error'; message: string };
