// The osquery agent API (spec §3), built for the hot path: a check-in with nothing due
// authenticates from memory, decides due-ness from memory and makes no datastore call; seen
// times are written in batches. See service/osquery/README.md for the decisions.
import { inject, injectable, optional } from 'inversify';
import type { InvalidationBus, InvalidationEvent } from '../../internal/cache/invalidation-bus';
import type { Clock } from '../../internal/clock/clock';
import type { FleetConfig } from '../../internal/config/config';
import { TYPES } from '../../internal/container/identifiers';
import { hashToken } from '../../internal/crypto/tokens';
import {
  BadRequestError,
  NodeInvalidError,
  NotFoundError,
  ServiceUnavailableError,
  type AgentHost,
  type AppConfig,
  type Datastore,
  type DistributedResults,
  type EnrollAgentInput,
  type HostUpdate,
  type OptionsSpec,
  type OsqueryLogType,
  type OsqueryService,
} from '../../internal/fleet';
import type { Logger } from '../../internal/logging';
import { AgentHostCache, DEFAULT_AGENT_HOST_CACHE_OPTIONS, type AgentHostCacheOptions } from './agent-host-cache';
import { CachedValue } from './cached-value';
import { ConfigBuilder } from './config-builder';
import { DETAIL_QUERIES, IngestError } from './detail-queries';
import { enrollAgent } from './enroll';
import { LabelIndex } from './label-queries';
import { ingestResults, QUERY_PREFIXES, SENT_PREFIX } from './results';
import { AGENT_SEAMS, type LiveQuerySource, type PackSource } from './seams';
import { SeenBatcher } from './seen-batcher';

/** Where log lines go (bound from internal/logwriter's createLogWriters). */
export interface AgentLogWriters {
  status: { write(lines: string[]): Promise<void> };
  result: { write(lines: string[]): Promise<void> };
}

export interface AgentServiceOptions {
  /** How often batched seen times are written, in ms. */
  seenFlushIntervalMs: number;
  hostCache: AgentHostCacheOptions;
}

export const DEFAULT_AGENT_SERVICE_OPTIONS: AgentServiceOptions = {
  seenFlushIntervalMs: 1000,
  hostCache: DEFAULT_AGENT_HOST_CACHE_OPTIONS,
};

/** Container identifier of optional AgentServiceOptions overrides (tests). */
export const AGENT_SERVICE_OPTIONS = Symbol.for('AgentServiceOptions');

/** Fleet's window for a "just enrolled" host (no hostname and no platform yet). */
export const ACCELERATE_SECONDS = 10;

const DETAIL_SQL: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(DETAIL_QUERIES).map(([name, q]) => [`${SENT_PREFIX}${QUERY_PREFIXES.detail}${name}`, q.sql])),
);
const ADDITIONAL_PREFIX = `${SENT_PREFIX}${QUERY_PREFIXES.additional}`;
const LIVE_PREFIX = `${SENT_PREFIX}${QUERY_PREFIXES.distributed}`;

@injectable()
export class OsqueryServiceImpl implements OsqueryService {
  private readonly hosts: AgentHostCache;
  private readonly seen: SeenBatcher;
  private readonly labels: CachedValue<LabelIndex>;
  private readonly appConfig: CachedValue<AppConfig>;
  private readonly options: CachedValue<OptionsSpec>;
  private readonly configs: ConfigBuilder;
  private readonly unsubscribe: () => void;
  private readonly detailIntervalMs: number;
  private readonly labelIntervalMs: number;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Config) private readonly config: FleetConfig,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.InvalidationBus) private readonly bus: InvalidationBus,
    @inject(TYPES.OsqueryLogWriters) private readonly writers: AgentLogWriters,
    @inject(AGENT_SERVICE_OPTIONS) @optional() opts?: Partial<AgentServiceOptions>,
    @inject(AGENT_SEAMS.PackSource) @optional() private readonly packs?: PackSource,
    @inject(AGENT_SEAMS.LiveQuerySource) @optional() private readonly live?: LiveQuerySource,
  ) {
    const o = { ...DEFAULT_AGENT_SERVICE_OPTIONS, ...opts };
    this.hosts = new AgentHostCache(o.hostCache);
    this.seen = new SeenBatcher(ds, clock, logger, o.seenFlushIntervalMs);
    this.labels = new CachedValue(async () => new LabelIndex(await ds.listLabels()));
    this.appConfig = new CachedValue(() => ds.appConfig());
    this.options = new CachedValue(() => ds.osqueryOptions());
    this.configs = new ConfigBuilder(this.options, packs);
    this.detailIntervalMs = config.osquery.detail_update_interval_seconds * 1000;
    this.labelIntervalMs = config.osquery.label_update_interval_seconds * 1000;
    this.unsubscribe = bus.subscribe((e) => this.onInvalidation(e));
  }

  private onInvalidation(e: InvalidationEvent): void {
    switch (e.kind) {
      case 'node-key-revoked':
        this.hosts.revoke(e.nodeKeyHash);
        break;
      case 'host-changed':
        this.hosts.forgetHost(e.hostId);
        break;
      case 'labels-changed':
        this.labels.invalidate();
        break;
      case 'app-config-changed':
        this.appConfig.invalidate();
        break;
      case 'agent-config-changed':
        this.options.invalidate();
        break;
      case 'resync':
        // Events from other instances may have been missed (Redis reconnect): forget cached hosts.
        this.hosts.clear();
        break;
    }
  }

  // ---- enroll ---------------------------------------------------------------------------

  async enrollAgent(input: EnrollAgentInput): Promise<string> {
    const { nodeKey, nodeKeyHash, result } = await enrollAgent(this.ds, this.config.osquery.host_identifier, input, this.clock.now());
    if (result.replacedNodeKeyHash !== null && result.replacedNodeKeyHash !== nodeKeyHash) {
      // Every instance drops the old key (this one included, through its own subscription).
      this.bus.publish({ kind: 'node-key-revoked', nodeKeyHash: result.replacedNodeKeyHash });
    }
    this.hosts.issued(nodeKeyHash);
    this.logger.debug('agent enrolled', { host_id: result.host.id, reenrolled: result.replacedNodeKeyHash !== null });
    return nodeKey;
  }

  // ---- authentication -------------------------------------------------------------------

  async authenticateHost(nodeKey: string): Promise<AgentHost> {
    if (!nodeKey) throw new NodeInvalidError('authentication error: missing node key');
    const hash = hashToken(nodeKey);
    const host =
      this.hosts.get(hash) ??
      (await this.hosts.load(hash, this.clock.now().getTime(), (h) => this.ds.hostByNodeKeyHash(h)));
    if (!host) {
      const shown = nodeKey.length > 100 ? `${nodeKey.slice(0, 100)}…` : nodeKey;
      throw new NodeInvalidError(`authentication error: invalid node key: ${shown}`);
    }
    this.seen.mark(host.id);
    return host;
  }

  // ---- config ---------------------------------------------------------------------------

  async getClientConfig(host: AgentHost): Promise<Record<string, unknown>> {
    const { config, intervals } = await this.configs.configFor(host);
    const current = this.hosts.byId(host.id) ?? host;
    const details: HostUpdate['details'] = {};
    const changes: Partial<AgentHost> = {};
    if (intervals.distributedInterval !== undefined && intervals.distributedInterval !== current.distributedInterval) {
      details.distributed_interval = changes.distributedInterval = intervals.distributedInterval;
    }
    if (intervals.loggerTlsPeriod !== undefined && intervals.loggerTlsPeriod !== current.loggerTlsPeriod) {
      details.logger_tls_period = changes.loggerTlsPeriod = intervals.loggerTlsPeriod;
    }
    if (intervals.configTlsRefresh !== undefined && intervals.configTlsRefresh !== current.configTlsRefresh) {
      details.config_tls_refresh = changes.configTlsRefresh = intervals.configTlsRefresh;
    }
    if (Object.keys(details).length > 0) {
      await this.saveHost(host, { details });
      this.hosts.patch(host.id, changes);
    }
    return config;
  }

  // ---- distributed/read -----------------------------------------------------------------

  async getDistributedQueries(host: AgentHost): Promise<{ queries: Record<string, string>; accelerate: number }> {
    const now = this.clock.now().getTime();
    const queries: Record<string, string> = {};
    if (host.detailUpdatedAt <= now - this.detailIntervalMs) {
      Object.assign(queries, DETAIL_SQL);
      const appConfig = this.appConfig.peek() ?? (await this.appConfig.get());
      const additional = appConfig.host_settings?.additional_queries;
      if (additional) {
        for (const name of Object.keys(additional)) {
          const sql = additional[name];
          if (typeof sql === 'string') queries[`${ADDITIONAL_PREFIX}${name}`] = sql;
        }
      }
    }
    const labels = this.labels.peek() ?? (await this.labels.get());
    const dueLabels = labels.dueFor(host.platform, host.labelUpdatedAt, now, this.labelIntervalMs);
    if (dueLabels) Object.assign(queries, dueLabels);
    if (this.live) {
      const pending = await this.live.queriesForHost(host);
      for (const id of Object.keys(pending)) queries[`${LIVE_PREFIX}${id}`] = pending[Number(id)]!;
    }
    const accelerate = host.hostname === '' && host.platform === '' ? ACCELERATE_SECONDS : 0;
    return { queries, accelerate };
  }

  // ---- distributed/write ----------------------------------------------------------------

  async submitDistributedQueryResults(host: AgentHost, results: DistributedResults): Promise<void> {
    let ingested;
    try {
      ingested = ingestResults(results);
    } catch (err) {
      if (err instanceof IngestError) throw new BadRequestError(`failed to ingest result: ${err.message}`);
      throw err;
    }
    if (ingested.live.length > 0) {
      if (this.live) {
        await this.live.recordResults(host, ingested.live);
      } else {
        // No campaigns exist yet (live queries arrive in a later issue): nothing can be
        // waiting for these rows, so they are accepted and dropped.
        this.logger.debug('dropping live query results: no live query campaigns', {
          host_id: host.id,
          campaigns: ingested.live.map((r) => r.campaignId),
        });
      }
    }
    const now = this.clock.now();
    const update: HostUpdate = {};
    const changes: Partial<AgentHost> = {};
    if (ingested.detailUpdated) {
      update.details = { ...ingested.details, additional: ingested.additional };
      update.detail_updated_at = now;
      changes.detailUpdatedAt = now.getTime();
      const d = ingested.details;
      if (d.hostname !== undefined) changes.hostname = d.hostname;
      if (d.platform !== undefined) changes.platform = d.platform;
      if (d.distributed_interval !== undefined) changes.distributedInterval = d.distributed_interval;
      if (d.logger_tls_period !== undefined) changes.loggerTlsPeriod = d.logger_tls_period;
      if (d.config_tls_refresh !== undefined) changes.configTlsRefresh = d.config_tls_refresh;
    }
    if (ingested.labels.length > 0) {
      update.labels = { results: ingested.labels, at: now };
      changes.labelUpdatedAt = now.getTime();
    }
    if (update.details === undefined && update.labels === undefined) return;
    if (update.labels === undefined || !this.packs) {
      await this.saveHost(host, update);
    } else {
      // Pack delivery follows label membership: tell the pack source what was committed.
      try {
        await this.saveHost(host, update);
      } catch (err) {
        this.packs.forgetHost?.(host.id);
        throw err;
      }
      this.packs.labelResultsWritten?.(host.id, ingested.labels);
    }
    this.hosts.patch(host.id, changes);
  }

  // ---- log ------------------------------------------------------------------------------

  async submitLogs(_host: AgentHost, type: OsqueryLogType, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const writer = type === 'status' ? this.writers.status : this.writers.result;
    try {
      await writer.write(lines);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.warn('writing osquery logs failed', { log_type: type, lines: lines.length, err: reason });
      throw new ServiceUnavailableError(`error writing ${type} logs: ${reason}`);
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Writes pending seen times now (tests, shutdown). */
  flushSeen(): Promise<void> {
    return this.seen.flush();
  }

  /** Stops listening for invalidations and writes pending seen times. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.packs?.close?.();
    await this.seen.close();
  }

  /** A host that vanished mid-request (deleted, expired) must re-enroll: node_invalid. */
  private async saveHost(host: AgentHost, update: HostUpdate): Promise<void> {
    try {
      await this.ds.updateHost(host.id, update);
    } catch (err) {
      if (err instanceof NotFoundError) {
        this.hosts.forgetHost(host.id);
        throw new NodeInvalidError('authentication error: host no longer exists');
      }
      throw err;
    }
  }
}
