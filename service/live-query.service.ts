import { randomBytes } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import type { Clock } from '../internal/clock/clock';
import { TYPES } from '../internal/container/identifiers';
import {
  AlreadyExistsError,
  CAMPAIGN_COMPLETED,
  CAMPAIGN_RUNNING,
  CAMPAIGN_WAITING,
  FeatureDisabledError,
  InvalidArgumentError,
  PermissionError,
  ServiceUnavailableError,
  UnprocessableError,
  type Campaign,
  type CampaignStreamHandle,
  type CampaignWithMetrics,
  type Datastore,
  type LiveQueryService,
  type LiveQueryStatusService,
  type Query,
  type StreamMessage,
  type TargetSelection,
  type Viewer,
} from '../internal/fleet';
import type { LiveQueryStore } from '../internal/livequery/live-query-store';
import type { CampaignResult, ResultPubSub } from '../internal/livequery/result-pubsub';
import type { Logger } from '../internal/logging';
import { ATTACH_REASON, attachesDatabase } from './query-validation';

export const LIVE_QUERIES_DISABLED = 'live queries are disabled';
export const NOTHING_SELECTED = 'no hosts or labels selected';
export const NO_HOSTS_TARGETED = 'no hosts targeted';

export interface LiveQueryServiceOptions {
  /** How often a stream re-counts its targets and re-sends totals/status on change (Fleet: 5 s). */
  streamTickMs: number;
}

export const DEFAULT_LIVE_QUERY_SERVICE_OPTIONS: LiveQueryServiceOptions = { streamTickMs: 5000 };

/** Container identifier of optional LiveQueryServiceOptions overrides (tests). */
export const LIVE_QUERY_SERVICE_OPTIONS = Symbol.for('LiveQueryServiceOptions');

interface Totals {
  count: number;
  online: number;
  offline: number;
  missing_in_action: number;
}

interface Status {
  expected_results: number;
  actual_results: number;
  status: 'pending' | 'finished';
}

/** Host names and ids the user may pass (bounded so one request cannot build a huge IN list). */
export const MAX_SELECTED_TARGETS = 100_000;

/**
 * Live-query campaigns (spec osquery §9.1, §9.5) with the policy's fixes: disabled → 403,
 * nothing selected or no host resolved → 422 and nothing written, ATTACH → 422, a
 * collision-free ad-hoc query name, only the author or an admin may stream, and a stream
 * always unsubscribes when it ends.
 */
@injectable()
export class LiveQueryServiceImpl implements LiveQueryService, LiveQueryStatusService {
  private readonly opts: LiveQueryServiceOptions;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.LiveQueryStore) private readonly store: LiveQueryStore,
    @inject(TYPES.ResultPubSub) private readonly pubsub: ResultPubSub,
    @inject(LIVE_QUERY_SERVICE_OPTIONS) @optional() opts?: Partial<LiveQueryServiceOptions>,
  ) {
    this.opts = { ...DEFAULT_LIVE_QUERY_SERVICE_OPTIONS, ...opts };
  }

  // ---- creation -------------------------------------------------------------------------

  async runQuery(viewer: Viewer, sql: string, selection: TargetSelection): Promise<CampaignWithMetrics> {
    await this.checkRunnable(sql, selection.host_ids.length + selection.label_ids.length);
    return this.createCampaign(viewer, sql, { host_ids: [...selection.host_ids], label_ids: [...selection.label_ids] });
  }

  async runQueryByNames(viewer: Viewer, sql: string, names: { hosts: string[]; labels: string[] }): Promise<CampaignWithMetrics> {
    await this.checkRunnable(sql, names.hosts.length + names.labels.length);
    const selection = await this.ds.targetIdsByNames(names.hosts, names.labels);
    return this.createCampaign(viewer, sql, selection);
  }

  /** The checks that need no target resolution, cheapest and most general first. */
  private async checkRunnable(sql: string, selected: number): Promise<void> {
    const config = await this.ds.appConfig();
    if (config.server_settings.live_query_disabled) throw new FeatureDisabledError(LIVE_QUERIES_DISABLED);
    const invalid = new InvalidArgumentError();
    if (sql.trim() === '') invalid.append('query', 'query must not be empty');
    else if (attachesDatabase(sql)) invalid.append('query', ATTACH_REASON);
    if (selected === 0) invalid.append('selected', NOTHING_SELECTED);
    else if (selected > MAX_SELECTED_TARGETS) invalid.append('selected', `at most ${MAX_SELECTED_TARGETS} hosts and labels may be selected`);
    invalid.throwIfAny();
    await this.checkResultStore();
  }

  private async createCampaign(viewer: Viewer, sql: string, selection: TargetSelection): Promise<CampaignWithMetrics> {
    // Resolve before writing anything: a selection with no host leaves no orphan rows.
    const hostIds = await this.ds.hostIdsInTargets(selection);
    if (hostIds.length === 0) throw new UnprocessableError(NO_HOSTS_TARGETED, 'selected');
    const query = await this.newAdHocQuery(viewer, sql);
    const campaign = await this.ds.newCampaign({ query_id: query.id, user_id: viewer.user.id, status: CAMPAIGN_WAITING }, selection);
    try {
      await this.store.runQuery(campaign.id, sql, hostIds);
    } catch (err) {
      // Nothing was delivered: complete the campaign so it is not left waiting.
      await this.ds.setCampaignStatus(campaign.id, CAMPAIGN_COMPLETED).catch(() => undefined);
      this.logger.error('registering a live query failed', { campaign_id: campaign.id, err: errText(err) });
      throw new ServiceUnavailableError(`run query: ${errText(err)}`);
    }
    const metrics = await this.ds.countHostsInTargets(selection, this.clock.now());
    this.logger.info('live query campaign created', { campaign_id: campaign.id, user_id: viewer.user.id, hosts: hostIds.length });
    return { campaign, metrics };
  }

  /**
   * Fleet named it `distributed_<username>_<unix seconds>`, so two runs in one second
   * collided (500). A random suffix makes that practically impossible; a collision anyway
   * is retried with a new suffix.
   */
  private async newAdHocQuery(viewer: Viewer, sql: string): Promise<Query> {
    const seconds = Math.floor(this.clock.now().getTime() / 1000);
    for (let attempt = 0; ; attempt++) {
      const name = `distributed_${viewer.user.username}_${seconds}_${randomBytes(4).toString('hex')}`;
      try {
        return await this.ds.newQuery({ name, description: '', query: sql, saved: false, author_id: viewer.user.id });
      } catch (err) {
        if (!(err instanceof AlreadyExistsError) || attempt >= 4) throw err;
      }
    }
  }

  private async checkResultStore(): Promise<void> {
    try {
      await this.pubsub.healthCheck();
    } catch (err) {
      throw new ServiceUnavailableError(`result store: ${errText(err)}`);
    }
  }

  // ---- status routes --------------------------------------------------------------------

  /** GET /status/result_store: throws ServiceUnavailableError when the result store is unreachable. */
  async resultStoreStatus(): Promise<void> {
    await this.checkResultStore();
  }

  /** GET /status/live_query: FeatureDisabledError when disabled, else the result store check. */
  async liveQueryStatus(): Promise<void> {
    const config = await this.ds.appConfig();
    if (config.server_settings.live_query_disabled) throw new FeatureDisabledError(LIVE_QUERIES_DISABLED);
    await this.checkResultStore();
  }

  // ---- streaming ------------------------------------------------------------------------

  async streamCampaign(
    viewer: Viewer,
    campaignId: number,
    send: (message: StreamMessage) => void,
    onEnd: (reason: string) => void,
  ): Promise<CampaignStreamHandle> {
    const campaign = await this.ds.campaign(campaignId);
    if (campaign.user_id !== viewer.user.id && !viewer.user.admin) throw new PermissionError('forbidden');
    const stream = new CampaignStream(campaign, this.ds, this.store, this.clock, this.logger, this.opts.streamTickMs, send, onEnd);
    await stream.start(this.pubsub);
    return stream;
  }
}

/** One client's view of one campaign (spec §9.5 steps 1–7). */
class CampaignStream implements CampaignStreamHandle {
  private unsubscribe: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private targets: TargetSelection = { host_ids: [], label_ids: [] };
  private lastTotals: Totals = { count: 0, online: 0, offline: 0, missing_in_action: 0 };
  private lastStatus: Status = { expected_results: 0, actual_results: 0, status: 'pending' };
  private actual = 0;
  private finished = false;
  private updating = false;
  /** Results that arrive before the initial totals/status went out (Fleet reads them after). */
  private early: CampaignResult[] | null = [];
  private closing: Promise<void> | null = null;
  private ended = false;

  constructor(
    private readonly campaign: Campaign,
    private readonly ds: Datastore,
    private readonly store: LiveQueryStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly tickMs: number,
    private readonly sendRaw: (message: StreamMessage) => void,
    private readonly onEnd: (reason: string) => void,
  ) {}

  async start(pubsub: ResultPubSub): Promise<void> {
    const id = this.campaign.id;
    try {
      this.unsubscribe = await pubsub.subscribe(id, (r) => this.onResult(r));
    } catch (err) {
      this.logger.warn('live query subscribe failed', { campaign_id: id, err: errText(err) });
      throw new ServiceUnavailableError(`cannot open read channel for campaign ${id}`);
    }
    try {
      await this.ds.setCampaignStatus(id, CAMPAIGN_RUNNING);
    } catch (err) {
      await this.release();
      this.logger.warn('setting campaign running failed', { campaign_id: id, err: errText(err) });
      throw new ServiceUnavailableError('error saving campaign state');
    }
    try {
      this.targets = await this.ds.campaignTargets(id);
    } catch (err) {
      await this.release();
      throw new ServiceUnavailableError(`error retrieving campaign targets: ${errText(err)}`);
    }
    await this.update();
    if (this.closing) return;
    const early = this.early ?? [];
    this.early = null;
    for (const r of early) this.deliver(r);
    this.timer = setInterval(() => void this.update(), this.tickMs);
    this.timer.unref?.();
  }

  private onResult(result: CampaignResult): void {
    if (this.closing) return;
    if (this.early) this.early.push(result);
    else this.deliver(result);
  }

  private deliver(result: CampaignResult): void {
    const hostname = typeof result.host?.hostname === 'string' ? result.host.hostname : '';
    const rows: Array<Record<string, string>> = [];
    for (const row of result.rows ?? []) {
      if (row === null || typeof row !== 'object') continue;
      rows.push({ ...row, host_hostname: hostname });
    }
    this.actual += 1;
    this.send({ type: 'result', data: { ...result, rows } });
  }

  /** Step 4: totals and status, each sent only when it changed. */
  private async update(): Promise<void> {
    if (this.closing || this.updating) return;
    this.updating = true;
    try {
      let counts;
      try {
        counts = await this.ds.countHostsInTargets(this.targets, this.clock.now());
      } catch (err) {
        this.logger.warn('counting campaign targets failed', { campaign_id: this.campaign.id, err: errText(err) });
        this.send({ type: 'error', data: 'error retrieving target counts' });
        this.endFromService('error retrieving target counts');
        return;
      }
      if (this.closing) return;
      const totals: Totals = { count: counts.total, online: counts.online, offline: counts.offline, missing_in_action: counts.mia };
      if (!sameTotals(totals, this.lastTotals)) {
        this.lastTotals = totals;
        this.send({ type: 'totals', data: { ...totals } });
      }
      const expected = totals.online;
      if (this.actual >= expected) this.finished = true;
      const status: Status = { expected_results: expected, actual_results: this.actual, status: this.finished ? 'finished' : 'pending' };
      if (!sameStatus(status, this.lastStatus)) {
        this.lastStatus = status;
        this.send({ type: 'status', data: { ...status } });
      }
    } finally {
      this.updating = false;
    }
  }

  private send(message: StreamMessage): void {
    try {
      this.sendRaw(message);
    } catch (err) {
      this.logger.debug('live query stream send failed', { campaign_id: this.campaign.id, err: errText(err) });
    }
  }

  private endFromService(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    void this.close();
    try {
      this.onEnd(reason);
    } catch (err) {
      this.logger.debug('live query stream onEnd failed', { campaign_id: this.campaign.id, err: errText(err) });
    }
  }

  /** Step 7: the campaign completes, its pending queries stop, the subscription goes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    this.ended = true;
    this.early = null;
    const id = this.campaign.id;
    await this.release();
    await this.ds.setCampaignStatus(id, CAMPAIGN_COMPLETED).catch((err: unknown) => {
      this.logger.warn('completing campaign failed', { campaign_id: id, err: errText(err) });
    });
    await this.store.stopQuery(id).catch((err: unknown) => {
      this.logger.warn('stopping live query failed', { campaign_id: id, err: errText(err) });
    });
  }

  private async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    if (unsubscribe) {
      await unsubscribe().catch((err: unknown) => {
        this.logger.warn('live query unsubscribe failed', { campaign_id: this.campaign.id, err: errText(err) });
      });
    }
  }
}

function sameTotals(a: Totals, b: Totals): boolean {
  return a.count === b.count && a.online === b.online && a.offline === b.offline && a.missing_in_action === b.missing_in_action;
}

function sameStatus(a: Status, b: Status): boolean {
  return a.expected_results === b.expected_results && a.actual_results === b.actual_results && a.status === b.status;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
