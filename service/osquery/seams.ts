// Extension points of the agent path, bound by cmd/fleet/container.ts: `PackSource`
// (`DatastorePackSource`, pack-source.ts) and `LiveQuerySource` (`LiveQueryAgentSource`,
// live-query-source.ts).
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
  /**
   * Return the same object for the same set of packs while nothing changed: the config built
   * from it (and its JSON text) is then reused instead of being rebuilt per request.
   */
  packsForHost(host: AgentHost): Promise<Readonly<Record<string, unknown>> | null> | Readonly<Record<string, unknown>> | null;
  /** The agent path committed these label results (label id, member) for a host. */
  labelResultsWritten?(hostId: number, results: ReadonlyArray<readonly [number, boolean]>): void;
  /** The agent path may have changed a host's memberships without knowing how (a failed write). */
  forgetHost?(hostId: number): void;
  /** Stops listening for invalidations. */
  close?(): void;
}

/** One campaign answer from a distributed/write (spec §9.4). */
export interface LiveQueryResult {
  campaignId: number;
  rows: Array<Record<string, string>>;
  /** osquery's status code for the query; 0 = success. */
  status: number;
  /** osquery's error text (`messages[name]`, possibly ""); null when osquery sent none. */
  message: string | null;
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
