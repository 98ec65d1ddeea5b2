import type { EntityManager } from 'typeorm';
import {
  AlreadyExistsError,
  MAX_LIST_ROWS,
  MIA_AFTER_MS,
  NEVER_UPDATED,
  NEW_HOST_MS,
  NotFoundError,
  ONLINE_GRACE_SECONDS,
  type EnrollInput,
  type EnrollResult,
  type Host,
  type HostListOptions,
  type HostStatus,
  type HostStatusSummary,
  type HostStore,
  type HostUpdate,
} from '../../internal/fleet';
import { detailEntries, lastPerLabel } from '../host-fields';
import { HOST_ORDER_FIELDS, orderField } from '../order-fields';
import type { ManagerSource } from './connection';
import { uniqueViolation } from './pg-errors';
import { mutate, Params, queryRows } from './sql';

/**
 * Domain field → column. Only these names ever reach SQL text. All are columns of `hosts`
 * (alias h) except seen_time, which is in `host_seen_times` (alias s); see `col`.
 */
const COLUMN: Readonly<Record<keyof Host, string>> = {
  id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  detail_updated_at: 'detail_update_time',
  label_updated_at: 'label_update_time',
  last_enrolled_at: 'last_enroll_time',
  seen_time: 'seen_time',
  enroll_secret_name: 'enroll_secret_name',
  osquery_host_id: 'osquery_host_id',
  node_key_hash: 'node_key_hash',
  hostname: 'host_name',
  uuid: 'uuid',
  platform: 'platform',
  osquery_version: 'osquery_version',
  os_version: 'os_version',
  build: 'build',
  platform_like: 'platform_like',
  code_name: 'code_name',
  uptime: 'uptime',
  memory: 'physical_memory',
  cpu_type: 'cpu_type',
  cpu_subtype: 'cpu_subtype',
  cpu_brand: 'cpu_brand',
  cpu_physical_cores: 'cpu_physical_cores',
  cpu_logical_cores: 'cpu_logical_cores',
  hardware_vendor: 'hardware_vendor',
  hardware_model: 'hardware_model',
  hardware_version: 'hardware_version',
  hardware_serial: 'hardware_serial',
  computer_name: 'computer_name',
  primary_ip: 'primary_ip',
  primary_mac: 'primary_mac',
  distributed_interval: 'distributed_interval',
  config_tls_refresh: 'config_tls_refresh',
  logger_tls_period: 'logger_tls_period',
  additional: 'additional',
};

/** Sortable fields that are not text (text sorts in byte order, as the in-memory store does). */
const NON_TEXT_FIELDS = new Set<keyof Host>([
  'id',
  'created_at',
  'updated_at',
  'detail_updated_at',
  'label_updated_at',
  'last_enrolled_at',
  'seen_time',
  'uptime',
  'memory',
]);

/** The qualified column of a field, for FROM_HOSTS. */
const col = (field: keyof Host): string => `${field === 'seen_time' ? 's' : 'h'}.${COLUMN[field]}`;

/**
 * A host's row: `hosts` with its seen time. Every host has exactly one `host_seen_times`
 * row (enrollHost inserts it with the host; it cascades away with it), so an inner join.
 */
export const FROM_HOSTS = 'hosts h JOIN host_seen_times s ON s.host_id = h.id';

/** The select list over FROM_HOSTS, aliased to the domain's names (`h.host_name AS hostname`). */
export const SELECT_HOST = (Object.entries(COLUMN) as [keyof Host, string][])
  .map(([field, column]) => (field === column ? col(field) : `${col(field)} AS ${field}`))
  .join(', ');

export type HostRow = Omit<Host, 'uptime' | 'memory'> & { uptime: string | number; memory: string | number };

/** bigint comes back from `pg` as a string. */
export function toHost(row: HostRow): Host {
  return { ...row, uptime: Number(row.uptime), memory: Number(row.memory) };
}

export const hours = (ms: number) => `interval '${ms / 3_600_000} hours'`;
/** I = min(distributed_interval, config_tls_refresh) + 30 s, of the hosts row aliased `h`. */
const onlineWindow = (h: string) => `make_interval(secs => LEAST(${h}.distributed_interval, ${h}.config_tls_refresh) + ${ONLINE_GRACE_SECONDS})`;

/**
 * The online window in seconds of the hosts row aliased `h`, as stored in
 * host_seen_times.online_window_s (migration 1773000000000): min(distributed_interval,
 * config_tls_refresh) + 30, summed in bigint and capped at the integer maximum.
 */
export const onlineWindowSeconds = (h: string) =>
  `LEAST(LEAST(${h}.distributed_interval, ${h}.config_tls_refresh)::bigint + ${ONLINE_GRACE_SECONDS}, 2147483647)::int`;

/** The details fields the online window is computed from. */
const WINDOW_FIELDS: ReadonlySet<keyof Host> = new Set<keyof Host>(['distributed_interval', 'config_tls_refresh']);
const touchesWindow = (details: HostUpdate['details']) => detailEntries(details).some(([field]) => WINDOW_FIELDS.has(field));

/**
 * `UPDATE hosts SET <sets> WHERE id = <id>` as one statement; answers the number of hosts
 * updated. When the patch may change an interval, the host's seen row's online_window_s is
 * brought up to date in the same statement (written only when it actually changes).
 */
async function updateHostRow(em: EntityManager, sets: string[], id: string, windowMayChange: boolean, params: unknown[]): Promise<number> {
  if (!windowMayChange) return (await mutate(em, `UPDATE hosts SET ${sets.join(', ')} WHERE id = ${id}`, params)).count;
  const rows = await queryRows(em, `WITH u AS (
      UPDATE hosts SET ${sets.join(', ')} WHERE id = ${id} RETURNING id, distributed_interval, config_tls_refresh
    ), w AS (
      UPDATE host_seen_times s SET online_window_s = ${onlineWindowSeconds('u')}
      FROM u WHERE s.host_id = u.id AND s.online_window_s <> ${onlineWindowSeconds('u')}
    )
    SELECT id FROM u`, params);
  return rows.length;
}

/**
 * The SQL-aggregate status rules of spec §4 on the seen row aliased `s` alone (its
 * online_window_s stands for the hosts row's intervals); `new` reads `h.created_at`.
 * Same boundaries as statusCondition.
 */
export function seenStatusCondition(status: HostStatus, now: string, h = 'h', s = 's'): string {
  switch (status) {
    case 'online':
      return `${s}.seen_time + make_interval(secs => ${s}.online_window_s) > ${now}`;
    case 'offline':
      return `${s}.seen_time + make_interval(secs => ${s}.online_window_s) <= ${now} AND ${s}.seen_time >= ${now} - ${hours(MIA_AFTER_MS)}`;
    default:
      return statusCondition(status, now, h, s);
  }
}

/**
 * The SQL-aggregate status rules of spec §4 (inStatusBucket in internal/fleet/host-status.ts)
 * for the hosts row aliased `h` and its seen row aliased `s`.
 */
export function statusCondition(status: HostStatus, now: string, h = 'h', s = 's'): string {
  switch (status) {
    case 'online':
      return `${s}.seen_time + ${onlineWindow(h)} > ${now}`;
    case 'offline':
      return `${s}.seen_time + ${onlineWindow(h)} <= ${now} AND ${s}.seen_time >= ${now} - ${hours(MIA_AFTER_MS)}`;
    case 'mia':
      // seen + 30 d <= now, written so the seen_time index can serve it.
      return `${s}.seen_time <= ${now} - ${hours(MIA_AFTER_MS)}`;
    case 'new':
      return `${h}.created_at >= ${now} - ${hours(NEW_HOST_MS)}`;
  }
}

/** A LIKE pattern matching `text` literally (backslash is the default escape). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `col = $n` assignments (or columns and values) for a details patch. */
function detailColumns(details: HostUpdate['details'], p: Params): [string, string][] {
  return detailEntries(details).map(([field, value]) => [COLUMN[field], p.add(field === 'additional' && value !== null ? JSON.stringify(value) : value)]);
}

export class HostsRepository implements HostStore {
  constructor(private readonly em: ManagerSource) {}

  async enrollHost(input: EnrollInput): Promise<EnrollResult> {
    detailEntries(input.details); // refuse bad facts before opening a transaction
    try {
      return await (await this.em()).transaction((tx) => this.enrollIn(tx, input));
    } catch (err) {
      if (uniqueViolation(err) === 'hosts_node_key_hash_key') throw new AlreadyExistsError('Host', input.osqueryHostId);
      throw err;
    }
  }

  private async enrollIn(tx: EntityManager, input: EnrollInput): Promise<EnrollResult> {
    let hostId: number | undefined;
    let replacedNodeKeyHash: string | null = null;
    // At most two rounds: a lost insert race means the winner's row is visible to the
    // next statement (READ COMMITTED), and it is then updated like any existing host.
    for (let round = 0; round < 3 && hostId === undefined; round++) {
      const [existing] = await queryRows<{ id: number; node_key_hash: string }>(
        tx,
        'SELECT id, node_key_hash FROM hosts WHERE lower(osquery_host_id) = lower($1) FOR UPDATE',
        [input.osqueryHostId],
      );
      if (existing) {
        const p = new Params();
        const sets = [
          `node_key_hash = ${p.add(input.nodeKeyHash)}`,
          `enroll_secret_name = ${p.add(input.enrollSecretName)}`,
          `last_enroll_time = ${p.add(input.now)}`,
          `updated_at = ${p.add(input.now)}`,
          ...detailColumns(input.details, p).map(([column, param]) => `${column} = ${param}`),
        ];
        await updateHostRow(tx, sets, p.add(existing.id), touchesWindow(input.details), p.values);
        hostId = existing.id;
        replacedNodeKeyHash = existing.node_key_hash === input.nodeKeyHash ? null : existing.node_key_hash;
        break;
      }
      const p = new Params();
      const now = p.add(input.now);
      const never = p.add(NEVER_UPDATED);
      const columns: [string, string][] = [
        ['osquery_host_id', p.add(input.osqueryHostId)],
        ['node_key_hash', p.add(input.nodeKeyHash)],
        ['enroll_secret_name', p.add(input.enrollSecretName)],
        ['created_at', now],
        ['updated_at', now],
        ['detail_update_time', never],
        ['label_update_time', never],
        ['last_enroll_time', now],
        ...detailColumns(input.details, p),
      ];
      // The host and its seen row in one statement (the foreign key is checked at its end).
      const inserted = await queryRows<{ id: number }>(
        tx,
        `WITH inserted AS (
           INSERT INTO hosts (${columns.map((c) => c[0]).join(', ')}) VALUES (${columns.map((c) => c[1]).join(', ')})
           ON CONFLICT ((lower(osquery_host_id))) DO NOTHING RETURNING id, distributed_interval, config_tls_refresh
         ), seen AS (
           INSERT INTO host_seen_times (host_id, seen_time, online_window_s)
           SELECT id, ${now}::timestamptz, ${onlineWindowSeconds('inserted')} FROM inserted
         )
         SELECT id FROM inserted`,
        p.values,
      );
      hostId = inserted[0]?.id;
    }
    if (hostId === undefined) throw new Error(`enroll: could not insert or find host ${input.osqueryHostId}`);
    // INSERT IGNORE into the builtin "All Hosts" label.
    await queryRows(
      tx,
      `INSERT INTO label_membership (host_id, label_id, created_at, updated_at)
       SELECT $1, l.id, $2, $2 FROM labels l WHERE l.name = 'All Hosts' AND l.label_type = 'builtin'
       ON CONFLICT (host_id, label_id) DO NOTHING`,
      [hostId, input.now],
    );
    const host = await this.findOne(tx, 'h.id = $1', [hostId]);
    return { host: host!, replacedNodeKeyHash };
  }

  async hostByNodeKeyHash(nodeKeyHash: string): Promise<Host | null> {
    return this.findOne(await this.em(), 'h.node_key_hash = $1', [nodeKeyHash]);
  }

  async host(id: number): Promise<Host> {
    const host = await this.findOne(await this.em(), 'h.id = $1', [id]);
    if (!host) throw new NotFoundError('Host', id);
    return host;
  }

  async hostByIdentifier(identifier: string): Promise<Host | null> {
    // An empty identifier would match every host that has not reported a hostname or uuid.
    if (identifier === '') return null;
    // Each branch matches an expression index; never the node key (spec §8 smell, fixed).
    return this.findOne(
      await this.em(),
      'lower(h.host_name) = lower($1) OR lower(h.osquery_host_id) = lower($1) OR lower(h.uuid) = lower($1)',
      [identifier],
    );
  }

  async listHosts(opts: HostListOptions): Promise<Host[]> {
    const p = new Params();
    const where: string[] = [];
    const field = orderField(HOST_ORDER_FIELDS, opts.orderKey);
    // The page query joins the seen rows only when it filters or sorts on them.
    const needsSeen = field === 'seen_time' || (opts.status !== undefined && opts.status !== 'new');
    let join = needsSeen ? 'JOIN host_seen_times s ON s.host_id = h.id' : '';
    if (opts.labelId !== undefined) join += ` JOIN label_membership m ON m.host_id = h.id AND m.label_id = ${p.add(opts.labelId)}`;
    if (opts.status !== undefined) where.push(seenStatusCondition(opts.status, `${p.add(opts.now)}::timestamptz`));
    if (opts.query !== undefined && opts.query !== '') {
      // search_text joins the four columns with chr(1); a query holding chr(1) itself
      // could match across two of them, so it takes the per-column path. LIKE rather
      // than strpos: the planner estimates a constant pattern's selectivity (strpos gets
      // a flat third, and then walks the id index through every row for a rare match).
      const q = p.add(escapeLike(opts.query));
      where.push(
        opts.query.includes('\u0001')
          ? `(${['host_name', 'uuid', 'hardware_serial', 'primary_ip'].map((c) => `lower(h.${c}) LIKE '%' || lower(${q}) || '%'`).join(' OR ')})`
          : `h.search_text LIKE '%' || lower(${q}) || '%'`,
      );
    }
    const direction = opts.orderDirection === 'desc' ? 'DESC' : 'ASC';
    const order = `${col(field)}${NON_TEXT_FIELDS.has(field) ? '' : ' COLLATE "C"'} ${direction}${field === 'id' ? '' : ', h.id ASC'}`;
    const limit = p.add(opts.perPage ?? MAX_LIST_ROWS);
    const offset = p.add(opts.perPage === undefined ? 0 : opts.page * opts.perPage);
    // Deferred join: filter, sort and page narrow (key, id) tuples, then fetch the page's
    // full rows (sorting 100,000 whole rows for ORDER BY host_name took twice as long).
    const rows = await queryRows<HostRow>(
      await this.em(),
      `SELECT ${SELECT_HOST} FROM (
         SELECT h.id FROM hosts h ${join}
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}
       ) page JOIN ${FROM_HOSTS} ON h.id = page.id
       ORDER BY ${order}`,
      p.values,
    );
    return rows.map(toHost);
  }

  /**
   * One statement. online/offline/mia in one pass over the narrow host_seen_times alone (its
   * online_window_s stands for the hosts row's intervals; every host has exactly one seen
   * row), the online test computed once per row (OFFSET 0 keeps the subquery from being
   * inlined); new from a range count on the hosts created_at index.
   */
  async hostStatusSummary(now: Date): Promise<HostStatusSummary> {
    const n = '$1::timestamptz';
    const [row] = await queryRows<HostStatusSummary>(
      await this.em(),
      `SELECT count(*) FILTER (WHERE x.online)::int AS online_count,
         -- offline = not online (seen + I <= now) and seen + 30 d >= now
         count(*) FILTER (WHERE NOT x.online AND x.seen_time >= ${n} - ${hours(MIA_AFTER_MS)})::int AS offline_count,
         count(*) FILTER (WHERE ${statusCondition('mia', n, 'x', 'x')})::int AS mia_count,
         (SELECT count(*) FROM hosts h WHERE ${statusCondition('new', n)})::int AS new_count
       FROM (SELECT s.seen_time, ${seenStatusCondition('online', n)} AS online FROM host_seen_times s OFFSET 0) x`,
      [now],
    );
    return row!;
  }

  async deleteHost(id: number): Promise<Host> {
    // The seen row, read here before the cascade removes it at the end of the statement.
    const { rows } = await mutate<HostRow>(
      await this.em(),
      `DELETE FROM hosts h USING host_seen_times s WHERE s.host_id = h.id AND h.id = $1 RETURNING ${SELECT_HOST}`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundError('Host', id);
    return toHost(rows[0]!);
  }

  async updateHost(id: number, update: HostUpdate): Promise<void> {
    const p = new Params();
    const sets = detailColumns(update.details, p).map(([column, param]) => `${column} = ${param}`);
    if (update.detail_updated_at) sets.push(`detail_update_time = ${p.add(update.detail_updated_at)}`);
    if (update.labels) sets.push(`label_update_time = ${p.add(update.labels.at)}`);
    sets.push('updated_at = now()');
    const idParam = p.add(id);
    await (
      await this.em()
    ).transaction(async (tx) => {
      // The row lock taken here also orders this check-in after a concurrent delete.
      const count = await updateHostRow(tx, sets, idParam, touchesWindow(update.details), p.values);
      if (count === 0) throw new NotFoundError('Host', id);
      if (!update.labels) return;
      const results = lastPerLabel(update.labels.results);
      const members = [...results].filter(([, m]) => m).map(([labelId]) => labelId);
      const nonMembers = [...results].filter(([, m]) => !m).map(([labelId]) => labelId);
      if (members.length > 0) {
        // Joined with labels, so a label deleted meanwhile is skipped instead of failing the FK.
        await queryRows(
          tx,
          `INSERT INTO label_membership (host_id, label_id, created_at, updated_at)
           SELECT $1, l.id, $2, $2 FROM labels l WHERE l.id = ANY($3::int[])
           ON CONFLICT (host_id, label_id) DO UPDATE SET updated_at = EXCLUDED.updated_at`,
          [id, update.labels.at, members],
        );
      }
      if (nonMembers.length > 0) {
        await mutate(tx, 'DELETE FROM label_membership WHERE host_id = $1 AND label_id = ANY($2::int[])', [id, nonMembers]);
      }
    });
  }

  /**
   * One statement for the whole batch, on the narrow seen table only (hosts is not
   * touched). Every host has its seen row, so an UPDATE: unknown ids match nothing, and a
   * host deleted meanwhile is skipped (an upsert would instead fail the whole batch on the
   * foreign key when its INSERT arm met a host deleted after the batch read it).
   */
  async markHostsSeen(ids: number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await mutate(await this.em(), 'UPDATE host_seen_times SET seen_time = $1 WHERE host_id = ANY($2::int[])', [at, ids]);
  }

  async deleteHostsSeenBefore(cutoff: Date): Promise<string[]> {
    return this.deleteWhere('USING host_seen_times s WHERE s.host_id = h.id AND s.seen_time < $1', [cutoff]);
  }

  async deleteIncomingHosts(createdBefore: Date): Promise<string[]> {
    return this.deleteWhere("WHERE h.host_name = '' AND h.osquery_version = '' AND h.created_at < $1", [createdBefore]);
  }

  /** Deletes `hosts h <clause>` (a WHERE, or USING … WHERE); the seen rows and memberships cascade. */
  private async deleteWhere(clause: string, params: unknown[]): Promise<string[]> {
    const { rows } = await mutate<{ id: number; node_key_hash: string }>(
      await this.em(),
      `DELETE FROM hosts h ${clause} RETURNING h.id, h.node_key_hash`,
      params,
    );
    return rows.sort((a, b) => a.id - b.id).map((r) => r.node_key_hash);
  }

  private async findOne(em: EntityManager, condition: string, params: unknown[]): Promise<Host | null> {
    const [row] = await queryRows<HostRow>(em, `SELECT ${SELECT_HOST} FROM ${FROM_HOSTS} WHERE ${condition} ORDER BY h.id LIMIT 1`, params);
    return row ? toHost(row) : null;
  }
}
