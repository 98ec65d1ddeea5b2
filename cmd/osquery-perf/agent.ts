// One simulated osqueryd (spec §13, §15.2): enroll (retry with backoff, again whenever a
// response says node_invalid), config now and every config interval, distributed
// read/write every query interval (faster while `accelerate` is open), a schedule from
// the config's packs feeding a buffered TLS logger. All loops share one event loop.
import { performance } from 'node:perf_hooks';
import { configHash, parsedConfig } from './config-cache';
import { enrollHostDetails, factTables, type AgentRuntime } from './host-details';
import type { CallResult, OsqueryHttpClient } from './http-client';
import type { AgentIdentity } from './identity';
import { evaluateFactQuery } from './label-rules';
import { statusLine, versionAtLeast, type LineContext, type StatusMessage } from './logs';
import type { ResolvedOptions } from './options';
import { answerQuery, type QueryKind } from './queries';
import { PendingResults, type QueryStats } from './results';
import { Rng, mixSeed } from './rng';
import { reconcileSchedule, scheduledQueriesFromConfig, type ScheduledQueryState } from './schedule';
import { distributedErrorStatus, initialResultsStatus, periodicStatus } from './status-messages';
import type { Endpoint, StatsCollector } from './stats';
import type { TimerHeap } from './timer-heap';
import { TlsLogger } from './tls-logger';
import type { Row } from './templates';

type Json = Record<string, unknown>;

/** Epoch ms with sub-ms precision, comparable across processes on one machine. */
const wallClockMs = () => performance.timeOrigin + performance.now();

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Seconds from a number or numeric string (osquery options allow both). */
function secondsOption(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

export class Agent {
  nodeKey: string | undefined;
  started = false;
  readonly runtime: AgentRuntime;
  /** The last config object applied (undefined until the first successful /config). */
  config: Json | undefined;
  readonly logger: TlsLogger;

  private readonly rng: Rng;
  private readonly userAgent: string;
  private readonly pending = new PendingResults();
  private schedule = new Map<string, ScheduledQueryState>();
  private decorations: Row = {};
  private decorationsTopLevel = false;
  private acceleratedUntil = 0;
  private statusCount = 0;
  private everEnrolled = false;
  private stopped = false;
  private enrolling: Promise<boolean> | undefined;
  /** Wake functions of the loops asleep now (at most one per loop, so a short array). */
  private readonly sleepers: Array<() => void> = [];
  /** `{"node_key":…}`, the whole body of config and distributed/read, serialised once per key. */
  private keyBody: { key: string; json: string } | undefined;
  private wakeSchedule: (() => void) | undefined;
  private readonly loops: Promise<void>[] = [];
  private readonly createdAt = Date.now();

  constructor(
    readonly identity: AgentIdentity,
    private readonly opts: ResolvedOptions,
    private readonly client: OsqueryHttpClient,
    private readonly stats: StatsCollector,
    private readonly timers: TimerHeap,
  ) {
    // Runtime randomness (jitter, churn, error picks) is separate from the identity stream.
    this.rng = new Rng(mixSeed(identity.seed ^ 0x5bd1e995, identity.index));
    this.userAgent = `osquery/${identity.template.osqueryVersion}`;
    this.runtime = {
      startTime: Math.floor(Date.now() / 1000),
      configHash: '',
      uptimeSeconds: identity.initialUptimeSeconds,
      intervals: { configMs: opts.configIntervalMs, distributedMs: opts.queryIntervalMs, loggerMs: opts.logIntervalMs },
    };
    this.logger = new TlsLogger(
      { maxLines: opts.logMaxLines, bufferMax: opts.bufferedLogMax, backoffMaxMs: opts.logBackoffMaxMs },
      async (type, lines) => (await this.call('log', { data: lines, log_type: type }))?.ok === true,
      stats.events,
    );
  }

  get enrolled(): boolean {
    return this.nodeKey !== undefined;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.runtime.startTime = Math.floor(Date.now() / 1000);
    this.loops.push(this.main());
  }

  /** Stops every loop; resolves when no request of this agent is in flight any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    this.sleepers.length = 0;
    await Promise.allSettled(this.loops);
  }

  private async main(): Promise<void> {
    if (!(await this.ensureEnrolled())) return;
    // osqueryd fetches its config before starting the distributed and logger threads.
    await this.fetchConfig();
    if (this.stopped) return;
    this.loops.push(
      this.every(() => this.jitter(this.runtime.intervals.configMs), () => this.fetchConfig()),
      this.distributedLoop(),
      this.loggerLoop(),
      this.scheduleLoop(),
      this.every(() => this.opts.statusLogIntervalMs, async () => this.periodicStatusLine()),
    );
  }

  // ---- timing -------------------------------------------------------------------------

  private jitter(ms: number): number {
    return Math.max(1, Math.round(this.rng.jitter(ms, this.opts.jitter)));
  }

  /** A timer as a promise that stop() (and `onWake`, if given) can cut short. */
  private sleep(ms: number, onWake?: (wake: () => void) => void): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.timers.cancel(timer);
        const i = this.sleepers.indexOf(wake);
        if (i >= 0) this.sleepers.splice(i, 1);
        resolve();
      };
      const timer = this.timers.schedule(ms, wake);
      this.sleepers.push(wake);
      onWake?.(wake);
    });
  }

  /** Sleeps `delay()` then runs `step`, until stopped. */
  private async every(delay: () => number, step: () => Promise<void>): Promise<void> {
    while (!this.stopped) {
      await this.sleep(delay());
      if (this.stopped) return;
      await step();
    }
  }

  // ---- enrolment and authenticated calls ----------------------------------------------

  /** Single flight: concurrent loops that need a key wait for one enrolment. */
  private ensureEnrolled(): Promise<boolean> {
    if (this.nodeKey !== undefined) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    this.enrolling ??= this.enrollUntilAccepted().finally(() => (this.enrolling = undefined));
    return this.enrolling;
  }

  private async enrollUntilAccepted(): Promise<boolean> {
    for (let attempt = 0; !this.stopped; attempt++) {
      if (attempt > 0) {
        const backoff = Math.min(this.opts.enrollBackoffMaxMs, this.opts.enrollBackoffInitialMs * 2 ** (attempt - 1));
        await this.sleep(this.jitter(backoff));
        if (this.stopped) break;
      }
      const body = {
        enroll_secret: this.opts.enrollSecret,
        host_identifier: this.identity.hostname,
        platform_type: this.identity.template.platformMask,
        host_details: enrollHostDetails(this.identity, this.refreshRuntime()),
      };
      const res = await this.client.post('enroll', body, this.userAgent);
      const key = res.ok ? res.body?.node_key : undefined;
      if (typeof key === 'string' && key !== '') {
        this.nodeKey = key;
        this.stats.events.enrollments++;
        if (this.everEnrolled) this.stats.events.reenrollments++;
        this.everEnrolled = true;
        return true;
      }
    }
    return false;
  }

  /** osquery's request helper: adds node_key last; node_invalid drops the key so the next call re-enrolls.
   *  A body of only the key (config, distributed/read) is the same string every time: built once per key. */
  private async call(endpoint: Exclude<Endpoint, 'enroll'>, body?: Json): Promise<CallResult | undefined> {
    if (!(await this.ensureEnrolled()) || this.stopped) return undefined;
    const key = this.nodeKey!;
    let json: string;
    if (body) json = JSON.stringify({ ...body, node_key: key });
    else {
      if (this.keyBody?.key !== key) this.keyBody = { key, json: JSON.stringify({ node_key: key }) };
      json = this.keyBody.json;
    }
    const res = await this.client.postJson(endpoint, json, this.userAgent);
    if (res.nodeInvalid && this.nodeKey === key) this.nodeKey = undefined;
    return res;
  }

  private refreshRuntime(): AgentRuntime {
    this.runtime.uptimeSeconds = this.identity.initialUptimeSeconds + (Date.now() - this.createdAt) / 1000;
    return this.runtime;
  }

  // ---- config -------------------------------------------------------------------------

  private async fetchConfig(): Promise<void> {
    const res = await this.call('config');
    if (!res?.ok || !res.body) return;
    // Every agent of a fleet usually gets the same text: hash it once, not once per agent.
    if (res.text !== undefined) {
      const { config, hash } = parsedConfig(res.text, res.body);
      this.applyConfig(config, hash);
    } else this.applyConfig(res.body);
  }

  /** Re-applied only when its hash changes, like osquery. */
  applyConfig(config: Json, hash = configHash(config)): void {
    if (hash === this.runtime.configHash) return;
    this.runtime.configHash = hash;
    this.config = config;
    this.stats.events.configsApplied++;
    const options = isObject(config.options) ? config.options : {};
    if (this.opts.followServerOptions) {
      const dist = secondsOption(options.distributed_interval);
      const logger = secondsOption(options.logger_tls_period);
      if (dist !== undefined) this.runtime.intervals.distributedMs = dist * 1000;
      if (logger !== undefined) this.runtime.intervals.loggerMs = logger * 1000;
    }
    this.decorationsTopLevel = options.decorations_top_level === true || options.decorations_top_level === 'true';
    this.decorations = this.evaluateDecorators(config.decorators);
    const scale = this.opts.scheduleTimeScale;
    this.schedule = reconcileSchedule(this.schedule, scheduledQueriesFromConfig(config, this.identity.platform), (q) => {
      // First run after a splay of up to one interval (capped at 10 s), like osquery's scheduler.
      const intervalMs = q.intervalSeconds * 1000 * scale;
      return Date.now() + this.rng.next() * Math.min(intervalMs, 10_000 * scale);
    });
    this.wakeSchedule?.();
  }

  /** `decorators: {load: [sql], always: [sql], interval: {"3600": [sql]}}` over our fact tables. */
  private evaluateDecorators(decorators: unknown): Row {
    if (!isObject(decorators)) return {};
    const sqls: unknown[] = [];
    for (const v of [decorators.load, decorators.always]) if (Array.isArray(v)) sqls.push(...v);
    if (isObject(decorators.interval)) for (const v of Object.values(decorators.interval)) if (Array.isArray(v)) sqls.push(...v);
    const facts = factTables(this.identity, this.refreshRuntime());
    const out: Row = {};
    for (const sql of sqls) if (typeof sql === 'string') Object.assign(out, evaluateFactQuery(sql, facts)[0] ?? {});
    return out;
  }

  // ---- distributed --------------------------------------------------------------------

  private async distributedLoop(): Promise<void> {
    while (!this.stopped) {
      await this.checkIn();
      // While `accelerate` is open osquery polls every 5 s; never slower than normal here.
      const accelerated = Date.now() < this.acceleratedUntil;
      const base = this.runtime.intervals.distributedMs;
      await this.sleep(this.jitter(accelerated ? Math.min(base, this.opts.accelerateIntervalMs) : base));
    }
  }

  /** One distributed cycle: read, run what came back, write everything still unsent. */
  async checkIn(): Promise<void> {
    const read = await this.call('distributed_read');
    if (read?.ok && read.body) {
      const accelerate = secondsOption(read.body.accelerate);
      if (accelerate !== undefined) this.acceleratedUntil = Date.now() + accelerate * 1000;
      const queries = isObject(read.body.queries) ? read.body.queries : {};
      for (const name of Object.keys(queries).sort()) {
        const sql = queries[name];
        if (typeof sql === 'string') this.runQuery(name, sql);
      }
    }
    if (this.pending.size === 0 || this.stopped) return;
    const sent = this.pending.snapshot();
    const withStats = versionAtLeast(this.identity.template.osqueryVersion, '5.8.0');
    const sentAt = wallClockMs();
    const write = await this.call('distributed_write', { ...this.pending.toBody(withStats) });
    if (write?.ok) this.pending.acknowledge(sent);
    this.opts.onDistributedWrite?.({ hostname: this.identity.hostname, queries: [...sent.keys()], sentAt, answeredAt: wallClockMs(), ok: write?.ok === true });
  }

  private runQuery(name: string, sql: string): void {
    const { kind, result } = answerQuery(name, sql, {
      identity: this.identity,
      runtime: this.refreshRuntime(),
      rng: this.rng,
      liveQueryRows: this.opts.liveQueryRows,
      liveQueryErrorRate: this.opts.liveQueryErrorRate,
    });
    this.countQuery(kind, result.rows.length, result.status);
    if (result.status !== 0) this.pushStatus(distributedErrorStatus(this.identity.template.osqueryVersion, name, result.message));
    const stats: QueryStats = { wall_time_ms: this.rng.int(0, 250), user_time: this.rng.int(0, 100), system_time: this.rng.int(0, 150), memory: this.rng.int(0, 4) * 524288 };
    this.pending.add(name, result, stats);
  }

  private countQuery(kind: QueryKind, rows: number, status: number): void {
    const e = this.stats.events;
    switch (kind) {
      case 'detail':
        e.detailQueries++;
        break;
      case 'additional':
        e.additionalQueries++;
        break;
      case 'label':
        e.labelQueries++;
        if (rows > 0) e.labelMatches++;
        break;
      case 'live':
        e.liveQueries++;
        if (status !== 0) e.liveQueryErrors++;
        break;
      default:
        e.otherQueries++;
    }
  }

  // ---- schedule and logger ------------------------------------------------------------

  private lineContext(): LineContext {
    return {
      hostIdentifier: this.identity.hostname,
      osqueryVersion: this.identity.template.osqueryVersion,
      decorations: this.decorations,
      decorationsTopLevel: this.decorationsTopLevel,
    };
  }

  private pushStatus(msg: StatusMessage): void {
    this.logger.push('status', [statusLine(msg, new Date(), this.lineContext())]);
  }

  private periodicStatusLine(): void {
    const names = [...this.schedule.keys()];
    const detail = names.length ? names[this.statusCount % names.length]! : 'pack/none';
    this.pushStatus(periodicStatus(this.statusCount++, this.identity.template.osqueryVersion, detail));
  }

  private async scheduleLoop(): Promise<void> {
    const idleMs = 60_000; // re-checked at least this often; a new config wakes it at once
    while (!this.stopped) {
      const now = Date.now();
      let next = now + idleMs;
      for (const state of this.schedule.values()) {
        if (state.nextRunAt <= now) this.runScheduled(state, now);
        next = Math.min(next, state.nextRunAt);
      }
      await this.sleep(Math.max(0, next - Date.now()), (wake) => (this.wakeSchedule = wake));
      this.wakeSchedule = undefined;
    }
  }

  private runScheduled(state: ScheduledQueryState, now: number): void {
    if (state.runs === 0 && !state.query.snapshot) {
      this.pushStatus(initialResultsStatus(this.identity.template.osqueryVersion, state.query.name));
    }
    const lines = state.run(new Date(now), this.rng, this.identity, this.lineContext(), this.opts.scheduledQueryRows);
    if (lines.length) this.logger.push('result', lines);
    const intervalMs = Math.max(1, state.query.intervalSeconds * 1000 * this.opts.scheduleTimeScale);
    // Catch up at most once if the process was too busy to run on time.
    state.nextRunAt = Math.max(state.nextRunAt + intervalMs, now + intervalMs / 2);
  }

  private async loggerLoop(): Promise<void> {
    while (!this.stopped) {
      await this.sleep(this.jitter(this.logger.nextDelay(this.runtime.intervals.loggerMs)));
      if (this.stopped) return;
      await this.logger.flush();
    }
  }
}
