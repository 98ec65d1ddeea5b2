// Live queries on the agent path (spec §9.3, §9.4): which campaigns a host must answer
// (from the LiveQueryStore's memory, no datastore call) and where its answers go.
import { inject, injectable, optional } from 'inversify';
import type { Clock } from '../../internal/clock/clock';
import { TYPES } from '../../internal/container/identifiers';
import {
  CAMPAIGN_COMPLETED,
  NodeInvalidError,
  NotFoundError,
  ServiceUnavailableError,
  type AgentHost,
  type CampaignExecution,
  type Datastore,
  type Host,
  type HostWithStatus,
} from '../../internal/fleet';
import type { LiveQueryStore } from '../../internal/livequery/live-query-store';
import type { CampaignResult, ResultPubSub } from '../../internal/livequery/result-pubsub';
import type { Logger } from '../../internal/logging';
import { withStatus } from '../host-view';
import { ExecutionBatcher } from './execution-batcher';
import type { LiveQueryResult, LiveQuerySource } from './seams';

/** The host JSON of a result message (bound by the container to the REST serializer). */
export type LiveQueryHostJSON = (host: HostWithStatus) => Record<string, unknown>;
export const LIVE_QUERY_HOST_JSON = Symbol.for('LiveQueryHostJSON');

/** A campaign younger than this with no listener makes the write fail so osquery retries (Fleet: 5 s). */
export const ORPHAN_GRACE_MS = 5000;
export const WAITING_FOR_LISTENER = 'campaign waiting for listener (please retry)';

const NOTHING: Readonly<Record<number, string>> = Object.freeze({});

/** Without the REST serializer: the host's fields, minus anything key-like, dates as ISO text. */
function plainHostJSON(host: HostWithStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(host)) {
    if (k.includes('node_key') || k === 'osquery_host_id') continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

@injectable()
export class LiveQueryAgentSource implements LiveQuerySource {
  private readonly hostJSON: LiveQueryHostJSON;
  private readonly executions: ExecutionBatcher;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.LiveQueryStore) private readonly store: LiveQueryStore,
    @inject(TYPES.ResultPubSub) private readonly pubsub: ResultPubSub,
    @inject(LIVE_QUERY_HOST_JSON) @optional() hostJSON?: LiveQueryHostJSON,
  ) {
    this.hostJSON = hostJSON ?? plainHostJSON;
    this.executions = new ExecutionBatcher(ds);
  }

  /** Hot path: one pass over the active campaigns in memory; a shared empty object when none. */
  queriesForHost(host: AgentHost): Record<number, string> {
    const pending = this.store.queriesForHost(host.id);
    if (pending.length === 0) return NOTHING;
    const out: Record<number, string> = {};
    for (const [id, sql] of pending) out[id] = sql;
    return out;
  }

  /**
   * Publishes every result first, then decides. If any campaign has no listener and is
   * younger than the grace period, the write fails (osquery retries it whole) before any
   * host bit is cleared, any campaign completed or anything recorded. Otherwise delivered
   * results clear the host's bit, orphans of older campaigns complete and stop their
   * campaign, and all answers are recorded as executions in one insert.
   */
  async recordResults(agent: AgentHost, answers: LiveQueryResult[]): Promise<void> {
    // Only answers to queries this host still has pending count: osquery re-sends results
    // of a failed write, and a result already delivered (or of a stopped campaign) must not
    // reach the stream twice.
    const pending = new Set(this.store.queriesForHost(agent.id).map(([id]) => id));
    const results = answers.filter((r) => pending.has(r.campaignId));
    if (results.length < answers.length) {
      this.logger.debug('live query answers dropped: not pending for this host', { host_id: agent.id, dropped: answers.length - results.length });
    }
    if (results.length === 0) return;
    const now = this.clock.now();
    let host: Host;
    try {
      host = await this.ds.host(agent.id);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NodeInvalidError('authentication error: host no longer exists');
      throw err;
    }
    const hostJSON = this.hostJSON(withStatus(host, now));

    const delivered: LiveQueryResult[] = [];
    const orphans: LiveQueryResult[] = [];
    for (const r of results) {
      const message: CampaignResult = {
        distributed_query_execution_id: r.campaignId,
        host: hostJSON,
        rows: r.rows,
        error: errorOf(r),
      };
      let listeners: number;
      try {
        listeners = await this.pubsub.publish(r.campaignId, message);
      } catch (err) {
        throw new ServiceUnavailableError(`writing results: ${err instanceof Error ? err.message : String(err)}`);
      }
      (listeners > 0 ? delivered : orphans).push(r);
    }

    const stale: number[] = [];
    const known = new Set<number>(delivered.map((r) => r.campaignId));
    let waiting = false;
    for (const r of orphans) {
      let campaign;
      try {
        campaign = await this.ds.campaign(r.campaignId);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        // Unknown campaign (deleted, or another server's id): nobody can want it.
        stale.push(r.campaignId);
        continue;
      }
      known.add(r.campaignId);
      // A young campaign whose browser has not subscribed yet: the agent must retry. A
      // completed one (its stream already closed) will never get a listener.
      if (campaign.status !== CAMPAIGN_COMPLETED && campaign.created_at.getTime() > now.getTime() - ORPHAN_GRACE_MS) {
        waiting = true;
        continue;
      }
      stale.push(r.campaignId);
    }

    // Delivered results are out whatever happens next: never offer those queries again,
    // or a retried write would deliver them twice.
    for (const r of delivered) await this.store.queryCompletedByHost(r.campaignId, agent.id);
    for (const id of new Set(stale)) {
      if (known.has(id)) await this.ds.setCampaignStatus(id, CAMPAIGN_COMPLETED);
      await this.store.stopQuery(id);
      this.logger.debug('live query result dropped: no listener', { campaign_id: id, host_id: agent.id });
    }

    const recorded = new Set([...delivered.map((r) => r.campaignId), ...stale.filter((id) => known.has(id))]);
    const executions: CampaignExecution[] = results
      .filter((r) => recorded.has(r.campaignId))
      .map((r) => ({ host_id: agent.id, campaign_id: r.campaignId, status: r.status === 0 ? 0 : 1, error: errorOf(r), rows: r.rows.length }));
    if (executions.length > 0) {
      // The results are out already: failing the write now would only deliver them twice.
      await this.executions.record(executions).catch((err: unknown) => {
        this.logger.warn('recording live query executions failed', { host_id: agent.id, err: err instanceof Error ? err.message : String(err) });
      });
    }
    if (waiting) throw new ServiceUnavailableError(WAITING_FOR_LISTENER);
  }
}

/** null on success; osquery's message otherwise ("failed" when it sent none, as Fleet 3.2.0). */
function errorOf(r: LiveQueryResult): string | null {
  if (r.status === 0) return null;
  return r.message ?? 'failed';
}
