
/** `host_details` of an enroll request: table → column → value, as osquery sends it. */
export type EnrollHostDetails = Record<string, Record<string, string>>;

export interface EnrollAgentInput {
  enrollSecret: string;
  hostIdentifier: string;
  hostDetails: EnrollHostDetails;
}

/** A decoded `distributed/write` body: rows per query name, status codes, error texts. */
export interface DistributedResults {
  queries: Record<string, Array<Record<string, string>>>;
  statuses: Record<string, number>;
  messages: Record<string, string>;
}

export type OsqueryLogType = 'status' | 'result';

/**
 * What the agent path keeps in memory per host: small on purpose (a server holds one per
 * enrolled host). Times are epoch milliseconds.
 */
export interface AgentHost {
  id: number;
  hostname: string;
  platform: string;
  detailUpdatedAt: number;
  labelUpdatedAt: number;
  distributedInterval: number;
  configTlsRefresh: number;
  loggerTlsPeriod: number;
}

/**
 * The osquery agent API. Every method but enroll takes the host an agent's node key
 * resolved to (authenticateHost); errors an agent must see as `node_invalid` are
 * NodeInvalidError, anything else is reported to the agent as `{"error": …}`.
 */
export interface OsqueryService {
  /** Returns the new node key. NodeInvalidError when the secret is unknown/inactive or no identifier. */
  enrollAgent(input: EnrollAgentInput): Promise<string>;
  /** The host of a node key, from memory in the common case; marks it seen. NodeInvalidError otherwise. */
  authenticateHost(nodeKey: string): Promise<AgentHost>;
  /** The osquery config object for this host (options, decorators, packs…). */
  getClientConfig(host: AgentHost): Promise<Record<string, unknown>>;
  /** Detail, label and live queries due for this host, and the accelerate window (0 = none). */
  getDistributedQueries(host: AgentHost): Promise<{ queries: Record<string, string>; accelerate: number }>;
  /** Ingests results atomically: on any error nothing is saved and the agent retries. */
  submitDistributedQueryResults(host: AgentHost, results: DistributedResults): Promise<void>;
  /** Hands log lines (raw JSON texts, one per line) to the writer; resolves once durable. */
  submitLogs(host: AgentHost, type: OsqueryLogType, lines: string[]): Promise<void>;
}
