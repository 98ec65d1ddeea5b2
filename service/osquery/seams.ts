// Extension points of the agent path that later issues fill. Nothing is bound to them today,
// and the service behaves exactly as a Fleet without packs / live queries would: no `packs`
// key in configs, no `fleet_distributed_query_*` in reads, campaign results dropped.
import type { AgentHost } from '../../internal/fleet';

/** Container identifiers of the seams (bind with `.toConstantValue`/`.to` when implemented). */
export const AGENT_SEAMS = {
  PackSource: Symbol.for('PackSource'),
  LiveQuerySource: Symbol.for('LiveQuerySource'),
} as const;

/**
 * The packs that apply to a host (spec §6 step 2–4), already shaped as osquery's `packs`
 * object: `{ "<pack>": { platform?, queries: { "<name>": { query, interval, … } } } }`.
 * Return null or `{}` when none apply: the config then has no `packs` key.
 * Implementations must answer from memory in the common case (this runs on every /config).
 */
export interface PackSource {
  packsForHost(host: AgentHost): Promise<Record<string, unknown> | null> | Record<string, unknown> | null;
}

/** One campaign answer from a distributed/write (spec §9.4). */
export interface LiveQueryResult {
  campaignId: number;
  rows: Array<Record<string, string>>;
  /** osquery's status code for the query; 0 = success. */
  status: number;
  /** osquery's error text (`messages[name]`), "" when none. */
  message: string;
}

/**
 * Live queries (spec §9): which campaigns are pending for a host, and where their results go.
 * `queriesForHost` must answer from memory (or one cheap store call) — it runs on every read.
 */
export interface LiveQuerySource {
  /** Campaign id → SQL for campaigns this host has not answered yet. */
  queriesForHost(host: AgentHost): Promise<Record<number, string>> | Record<number, string>;
  /** Publishes one host's results. A rejection fails the whole distributed/write. */
  recordResults(host: AgentHost, results: LiveQueryResult[]): Promise<void>;
}
