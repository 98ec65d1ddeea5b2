import type { EntityManager } from 'typeorm';
import {
  AlreadyExistsError,
  MAX_LIST_ROWS,
  NotFoundError,
  type ListOptions,
  type NewPack,
  type Pack,
  type PackSpecInput,
  type PackStats,
  type PackStore,
  type PackTargets,
  type PackWithQueries,
  type ScheduledQuery,
  type ScheduledQueryOptions,
} from '../../internal/fleet';
import { orderField, PACK_ORDER_FIELDS, SCHEDULED_QUERY_ORDER_FIELDS } from '../order-fields';
import {
  packSpecNames,
  planPackSpecs,
  rowIds,
  scheduledQueryOptions,
  scheduledQuerySpec,
  TARGET_HOST,
  TARGET_LABEL,
  uniqueScheduledQueryName,
  type PlannedPackSpec,
} from '../pack-fields';
import type { ManagerSource } from './connection';
import { isForeignKeyViolation, uniqueViolation } from './pg-errors';
import { mutate, Params, queryRows } from './sql';

/** packStats compares a target label's member count with the host count from this size on. */
const LARGE_LABEL = 1000;

const SELECT_PACK = 'p.id, p.created_at, p.updated_at, p.name, p.description, p.platform, p.disabled';

/** A scheduled query with its query's name and SQL (read through the reference by id). */
const SELECT_SCHEDULED = `sq.id, sq.created_at, sq.updated_at, sq.pack_id, sq.name, sq.query_id, q.name AS query_name, q.query,
  sq.description, sq."interval", sq.snapshot, sq.removed, sq.platform, sq.version, sq.shard, sq.denylist`;
const JOIN_QUERY = 'JOIN queries q ON q.id = sq.query_id';

/** Domain order field → column of SELECT_SCHEDULED's tables, and whether it is text. */
const SCHEDULED_ORDER_COLUMN: Readonly<Record<string, [string, boolean]>> = {
  id: ['sq.id', false],
  name: ['sq.name', true],
  interval: ['sq."interval"', false],
  query_name: ['q.name', true],
  created_at: ['sq.created_at', false],
  updated_at: ['sq.updated_at', false],
};

/** Order fields that are not text; text sorts in byte order, as the in-memory store does. */
const NON_TEXT_PACK_FIELDS = new Set(['id', 'created_at', 'updated_at', 'disabled']);

/**
 * The explicit targets of the pack aliased `p` that exist now, as two int arrays: what
 * packTargets / allPacksForAgents report (targets have no foreign key, as in Fleet).
 */
const EXISTING_TARGET_ARRAYS = `
  ARRAY(SELECT t.target_id FROM pack_targets t JOIN hosts h ON h.id = t.target_id
        WHERE t.pack_id = p.id AND t.type = ${TARGET_HOST} ORDER BY t.target_id) AS host_ids,
  ARRAY(SELECT t.target_id FROM pack_targets t JOIN labels l ON l.id = t.target_id
        WHERE t.pack_id = p.id AND t.type = ${TARGET_LABEL} ORDER BY t.target_id) AS label_ids`;

function packConflict(err: unknown, name: string): unknown {
  return uniqueViolation(err) === 'packs_name_lower_key' ? new AlreadyExistsError('Pack', name) : err;
}

/** Options as positional values, in OPTION_COLUMNS order. */
const OPTION_COLUMNS = ['description', '"interval"', 'snapshot', 'removed', 'platform', 'version', 'shard', 'denylist'] as const;
function optionValues(o: ScheduledQueryOptions): unknown[] {
  return [o.description, o.interval, o.snapshot, o.removed, o.platform, o.version, o.shard, o.denylist];
}

export class PacksRepository implements PackStore {
  constructor(private readonly em: ManagerSource) {}

  async newPack(pack: NewPack, targets: PackTargets): Promise<Pack> {
    try {
      // The pack and its targets in one statement (so one transaction); duplicates ignored.
      const [row] = await queryRows<Pack>(
        await this.em(),
        `WITH p AS (
           INSERT INTO packs (name, description, platform, disabled) VALUES ($1, $2, $3, $4) RETURNING *
         ), t AS (
           INSERT INTO pack_targets (pack_id, type, target_id)
           SELECT p.id, x.type, x.target_id FROM p CROSS JOIN (
             SELECT ${TARGET_HOST}::smallint AS type, unnest($5::int[]) AS target_id
             UNION SELECT ${TARGET_LABEL}::smallint, unnest($6::int[])
           ) x
         )
         SELECT ${SELECT_PACK} FROM p`,
        [pack.name, pack.description, pack.platform, pack.disabled, rowIds(targets.host_ids), rowIds(targets.label_ids)],
      );
      return row!;
    } catch (err) {
      throw packConflict(err, pack.name);
    }
  }

  async pack(id: number): Promise<Pack> {
    const [row] = await queryRows<Pack>(await this.em(), `SELECT ${SELECT_PACK} FROM packs p WHERE p.id = $1`, [id]);
    if (!row) throw new NotFoundError('Pack', id);
    return row;
  }

  async packByName(name: string): Promise<Pack | null> {
    const [row] = await queryRows<Pack>(await this.em(), `SELECT ${SELECT_PACK} FROM packs p WHERE lower(p.name) = lower($1)`, [name]);
    return row ?? null;
  }

  async listPacks(opts: ListOptions): Promise<Pack[]> {
    const field = orderField(PACK_ORDER_FIELDS, opts.orderKey);
    const direction = opts.orderDirection === 'desc' ? 'DESC' : 'ASC';
    const p = new Params();
    const limit = p.add(opts.perPage ?? MAX_LIST_ROWS);
    const offset = p.add(opts.perPage === undefined ? 0 : opts.page * opts.perPage);
    return queryRows<Pack>(
      await this.em(),
      `SELECT ${SELECT_PACK} FROM packs p
       ORDER BY p.${field}${NON_TEXT_PACK_FIELDS.has(field) ? '' : ' COLLATE "C"'} ${direction}${field === 'id' ? '' : ', p.id ASC'}
       LIMIT ${limit} OFFSET ${offset}`,
      p.values,
    );
  }

  async savePack(pack: Pack, targets?: PackTargets): Promise<Pack> {
    const update = `UPDATE packs AS p SET name = $2, description = $3, platform = $4, disabled = $5, updated_at = now()
      WHERE p.id = $1 RETURNING ${SELECT_PACK}`;
    const values = [pack.id, pack.name, pack.description, pack.platform, pack.disabled];
    let saved: Pack | undefined;
    try {
      if (!targets) {
        saved = (await mutate<Pack>(await this.em(), update, values)).rows[0];
      } else {
        // The UPDATE locks the pack row, so two saves of one pack replace targets in turn.
        saved = await (
          await this.em()
        ).transaction(async (tx) => {
          const [row] = (await mutate<Pack>(tx, update, values)).rows;
          if (!row) return undefined;
          await mutate(tx, 'DELETE FROM pack_targets WHERE pack_id = $1', [pack.id]);
          await this.insertTargets(tx, pack.id, targets);
          return row;
        });
      }
    } catch (err) {
      throw packConflict(err, pack.name);
    }
    if (!saved) throw new NotFoundError('Pack', pack.id);
    return saved;
  }

  async deletePack(id: number): Promise<void> {
    // Targets and scheduled queries go by ON DELETE CASCADE.
    const { count } = await mutate(await this.em(), 'DELETE FROM packs WHERE id = $1', [id]);
    if (count === 0) throw new NotFoundError('Pack', id);
  }

  async packTargets(packIds: number[]): Promise<Map<number, PackTargets>> {
    const out = new Map<number, PackTargets>(packIds.map((id) => [id, { host_ids: [], label_ids: [] }]));
    const ids = rowIds(packIds);
    if (ids.length === 0) return out;
    const rows = await queryRows<{ id: number } & PackTargets>(
      await this.em(),
      `SELECT p.id, ${EXISTING_TARGET_ARRAYS} FROM packs p WHERE p.id = ANY($1::int[])`,
      [ids],
    );
    for (const { id, host_ids, label_ids } of rows) out.set(id, { host_ids, label_ids });
    return out;
  }

  /**
   * One statement for all packs. query_count: the pack's scheduled queries.
   * total_hosts_count: distinct hosts that are explicit targets (and exist) or members of
   * a target label (memberships exist only for existing hosts and labels: both foreign keys
   * cascade). The distinct union is the costly part (a pack on "All Hosts" hashes every
   * host), so it runs only when needed, exactly:
   * - at most one label with members and no host targets: that label's count (or 0);
   * - a target label with as many members as there are hosts holds every host: that count
   *   (asked only for a label of LARGE_LABEL members or more: counting the hosts costs as
   *   much as a union of that size, and runs at most once per statement);
   * - otherwise the union.
   * Member counts are taken once per distinct label of the requested packs (lc).
   * Measured at 100,000 hosts / 1,000 labels / 200 packs: see test/datastore/packs-targets.perf.ts.
   */
  async packStats(packIds: number[]): Promise<Map<number, PackStats>> {
    const ids = rowIds(packIds);
    const out = new Map<number, PackStats>(packIds.map((id) => [id, { query_count: 0, total_hosts_count: 0 }]));
    if (ids.length === 0) return out;
    const rows = await queryRows<{ id: number } & PackStats>(
      await this.em(),
      `WITH lc AS MATERIALIZED (
         SELECT m.label_id, count(*) AS n FROM label_membership m
         WHERE m.label_id IN (SELECT t.target_id FROM pack_targets t WHERE t.pack_id = ANY($1::int[]) AND t.type = ${TARGET_LABEL})
         GROUP BY m.label_id
       )
       SELECT p.id,
         (SELECT count(*) FROM scheduled_queries sq WHERE sq.pack_id = p.id)::int AS query_count,
         (CASE
            WHEN l.labels <= 1 AND NOT EXISTS (SELECT 1 FROM pack_targets t WHERE t.pack_id = p.id AND t.type = ${TARGET_HOST})
              THEN coalesce(l.biggest, 0)
            WHEN l.biggest >= ${LARGE_LABEL} AND l.biggest = (SELECT count(*) FROM hosts) THEN l.biggest
            ELSE (SELECT count(*) FROM (
                    SELECT t.target_id AS host_id FROM pack_targets t JOIN hosts h ON h.id = t.target_id
                    WHERE t.pack_id = p.id AND t.type = ${TARGET_HOST}
                    UNION
                    SELECT m.host_id FROM pack_targets t JOIN label_membership m ON m.label_id = t.target_id
                    WHERE t.pack_id = p.id AND t.type = ${TARGET_LABEL}
                  ) x)
          END)::int AS total_hosts_count
       FROM unnest($1::int[]) AS p(id)
       LEFT JOIN LATERAL (
         SELECT count(*) AS labels, max(lc.n) AS biggest
         FROM pack_targets t JOIN lc ON lc.label_id = t.target_id
         WHERE t.pack_id = p.id AND t.type = ${TARGET_LABEL}
       ) l ON true`,
      [ids],
    );
    for (const { id, query_count, total_hosts_count } of rows) out.set(id, { query_count, total_hosts_count });
    return out;
  }

  async packQueryCounts(packIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>(packIds.map((id) => [id, 0]));
    const ids = rowIds(packIds);
    if (ids.length === 0) return out;
    const rows = await queryRows<{ id: number; n: number }>(
      await this.em(),
      `SELECT sq.pack_id AS id, count(*)::int AS n FROM scheduled_queries sq WHERE sq.pack_id = ANY($1::int[]) GROUP BY sq.pack_id`,
      [ids],
    );
    for (const { id, n } of rows) out.set(id, n);
    return out;
  }

  async applyPackSpecs(specs: PackSpecInput[]): Promise<void> {
    if (specs.length === 0) return;
    const names = packSpecNames(specs);
    await (
      await this.em()
    ).transaction(async (tx) => {
      // Every name resolved in one statement, every rule checked, before anything is written.
      const found = await queryRows<{ kind: 'q' | 'l'; id: number; name: string }>(
        tx,
        `SELECT 'q' AS kind, id, lower(name) AS name FROM queries WHERE lower(name) = ANY($1::text[])
         UNION ALL
         SELECT 'l', id, lower(name) FROM labels WHERE lower(name) = ANY($2::text[])`,
        [names.queries, names.labels],
      );
      const ids = (kind: 'q' | 'l') => new Map(found.filter((r) => r.kind === kind).map((r) => [r.name, r.id]));
      for (const plan of planPackSpecs(specs, ids('q'), ids('l'))) await this.applyPlan(tx, plan);
    });
  }

  /** Upsert by name, then replace scheduled queries and targets: 3 or 4 statements. */
  private async applyPlan(tx: EntityManager, plan: PlannedPackSpec): Promise<void> {
    const values = [plan.name, plan.description, plan.platform, plan.disabled];
    const { rows: updated } = await mutate<{ id: number }>(
      tx,
      `UPDATE packs SET name = $1, description = $2, platform = $3, disabled = $4, updated_at = now()
       WHERE lower(name) = lower($1) RETURNING id`,
      values,
    );
    let packId = updated[0]?.id;
    if (packId === undefined) {
      try {
        const [row] = await queryRows<{ id: number }>(
          tx,
          'INSERT INTO packs (name, description, platform, disabled) VALUES ($1, $2, $3, $4) RETURNING id',
          values,
        );
        packId = row!.id;
      } catch (err) {
        throw packConflict(err, plan.name);
      }
    }
    // Explicit host targets go too: a spec names labels only.
    await mutate(tx, 'WITH s AS (DELETE FROM scheduled_queries WHERE pack_id = $1) DELETE FROM pack_targets WHERE pack_id = $1', [packId]);
    const q = plan.queries;
    const column = <K extends keyof (typeof q)[number]>(key: K) => q.map((x) => x[key]);
    try {
      await queryRows(
        tx,
        `WITH s AS (
           INSERT INTO scheduled_queries (pack_id, query_id, name, ${OPTION_COLUMNS.join(', ')})
           SELECT $1::int, x.query_id, x.name, x.description, x.iv, x.snapshot, x.removed, x.platform, x.version, x.shard, x.denylist
           FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::bool[], $7::bool[], $8::text[], $9::text[], $10::int[], $11::bool[])
             WITH ORDINALITY AS x(query_id, name, description, iv, snapshot, removed, platform, version, shard, denylist, ord)
           ORDER BY x.ord
         )
         INSERT INTO pack_targets (pack_id, type, target_id) SELECT $1::int, ${TARGET_LABEL}, unnest($12::int[])`,
        [
          packId,
          column('query_id'),
          column('name'),
          column('description'),
          column('interval'),
          column('snapshot'),
          column('removed'),
          column('platform'),
          column('version'),
          column('shard'),
          column('denylist'),
          plan.labelIds,
        ],
      );
    } catch (err) {
      // Only a concurrent delete of a query just resolved gets here.
      if (isForeignKeyViolation(err)) throw new NotFoundError('Query', `of pack ${plan.name}`);
      throw err;
    }
  }

  async packSpecs(): Promise<Array<PackSpecInput & { id: number }>> {
    // One statement, so one consistent snapshot.
    const rows = await queryRows<Omit<Pack, 'created_at' | 'updated_at'> & { labels: string[]; queries: ScheduledQuery[] }>(
      await this.em(),
      `SELECT p.id, p.name, p.description, p.platform, p.disabled,
         ARRAY(SELECT l.name FROM pack_targets t JOIN labels l ON l.id = t.target_id
               WHERE t.pack_id = p.id AND t.type = ${TARGET_LABEL} ORDER BY l.id) AS labels,
         coalesce((SELECT json_agg(json_build_object('query_name', q.name, 'name', sq.name, 'description', sq.description,
                     'interval', sq."interval", 'snapshot', sq.snapshot, 'removed', sq.removed, 'platform', sq.platform,
                     'version', sq.version, 'shard', sq.shard, 'denylist', sq.denylist) ORDER BY sq.id)
                   FROM scheduled_queries sq ${JOIN_QUERY} WHERE sq.pack_id = p.id), '[]'::json) AS queries
       FROM packs p ORDER BY p.id`,
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      platform: r.platform,
      disabled: r.disabled,
      targets: { labels: r.labels },
      queries: r.queries.map(scheduledQuerySpec),
    }));
  }

  async newScheduledQuery(packId: number, queryId: number, options: ScheduledQueryOptions): Promise<ScheduledQuery> {
    const o = scheduledQueryOptions(options);
    return (await this.em()).transaction(async (tx) => {
      // Locks the pack, so concurrent schedules into it pick their names in turn.
      const [pack] = await queryRows<{ names: string[]; query_name: string | null }>(
        tx,
        `SELECT ARRAY(SELECT sq.name FROM scheduled_queries sq WHERE sq.pack_id = p.id) AS names,
           (SELECT q.name FROM queries q WHERE q.id = $2) AS query_name
         FROM packs p WHERE p.id = $1 FOR UPDATE OF p`,
        [packId, queryId],
      );
      if (!pack) throw new NotFoundError('Pack', packId);
      if (pack.query_name === null) throw new NotFoundError('Query', queryId);
      const name = uniqueScheduledQueryName(pack.query_name, new Set(pack.names));
      try {
        const [row] = await queryRows<ScheduledQuery>(
          tx,
          `WITH sq AS (
             INSERT INTO scheduled_queries (pack_id, query_id, name, ${OPTION_COLUMNS.join(', ')})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *
           )
           SELECT ${SELECT_SCHEDULED} FROM sq ${JOIN_QUERY}`,
          [packId, queryId, name, ...optionValues(o)],
        );
        return row!;
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new NotFoundError('Query', queryId);
        throw err;
      }
    });
  }

  async scheduledQuery(id: number): Promise<ScheduledQuery> {
    const [row] = await queryRows<ScheduledQuery>(
      await this.em(),
      `SELECT ${SELECT_SCHEDULED} FROM scheduled_queries sq ${JOIN_QUERY} WHERE sq.id = $1`,
      [id],
    );
    if (!row) throw new NotFoundError('ScheduledQuery', id);
    return row;
  }

  async saveScheduledQuery(sq: ScheduledQuery): Promise<ScheduledQuery> {
    const o = scheduledQueryOptions(sq);
    let rows: ScheduledQuery[];
    try {
      // A SELECT at the top: plain rows (mutate is for a bare UPDATE or DELETE).
      rows = await queryRows<ScheduledQuery>(
        await this.em(),
        `WITH sq AS (
           UPDATE scheduled_queries SET pack_id = $2, ${OPTION_COLUMNS.map((c, i) => `${c} = $${i + 3}`).join(', ')}, updated_at = now()
           WHERE id = $1 RETURNING *
         )
         SELECT ${SELECT_SCHEDULED} FROM sq ${JOIN_QUERY}`,
        [sq.id, sq.pack_id, ...optionValues(o)],
      );
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new NotFoundError('Pack', sq.pack_id);
      if (uniqueViolation(err) === 'scheduled_queries_pack_id_name_key') {
        // Moved into a pack that has a scheduled query of the same name.
        const stored = await this.scheduledQuery(sq.id);
        throw new AlreadyExistsError('ScheduledQuery', stored.name);
      }
      throw err;
    }
    if (rows.length === 0) throw new NotFoundError('ScheduledQuery', sq.id);
    return rows[0]!;
  }

  async deleteScheduledQuery(id: number): Promise<void> {
    const { count } = await mutate(await this.em(), 'DELETE FROM scheduled_queries WHERE id = $1', [id]);
    if (count === 0) throw new NotFoundError('ScheduledQuery', id);
  }

  async listScheduledQueriesInPack(packId: number, opts: ListOptions): Promise<ScheduledQuery[]> {
    const field = orderField(SCHEDULED_QUERY_ORDER_FIELDS, opts.orderKey);
    const [column, isText] = SCHEDULED_ORDER_COLUMN[field]!;
    const direction = opts.orderDirection === 'desc' ? 'DESC' : 'ASC';
    const p = new Params();
    const pack = p.add(packId);
    const limit = p.add(opts.perPage ?? MAX_LIST_ROWS);
    const offset = p.add(opts.perPage === undefined ? 0 : opts.page * opts.perPage);
    return queryRows<ScheduledQuery>(
      await this.em(),
      `SELECT ${SELECT_SCHEDULED} FROM scheduled_queries sq ${JOIN_QUERY} WHERE sq.pack_id = ${pack}
       ORDER BY ${column}${isText ? ' COLLATE "C"' : ''} ${direction}${field === 'id' ? '' : ', sq.id ASC'}
       LIMIT ${limit} OFFSET ${offset}`,
      p.values,
    );
  }

  async packsForQuery(queryId: number): Promise<Pack[]> {
    return (await this.packsForQueries([queryId])).get(queryId)!;
  }

  async packsForQueries(queryIds: number[]): Promise<Map<number, Pack[]>> {
    const out = new Map<number, Pack[]>(queryIds.map((id) => [id, []]));
    const ids = rowIds(queryIds);
    if (ids.length === 0) return out;
    const rows = await queryRows<Pack & { query_id: number }>(
      await this.em(),
      `SELECT sq.query_id, ${SELECT_PACK} FROM scheduled_queries sq JOIN packs p ON p.id = sq.pack_id
       WHERE sq.query_id = ANY($1::int[]) ORDER BY sq.id`,
      [ids],
    );
    for (const { query_id, ...pack } of rows) out.get(query_id)!.push(pack);
    return out;
  }

  /**
   * Two statements: the packs with their existing targets, then every scheduled query.
   * Not one snapshot; the agent path reloads on change, and a scheduled query whose pack
   * the first statement did not see is left out.
   */
  async allPacksForAgents(): Promise<Array<PackWithQueries & { targets: PackTargets }>> {
    const em = await this.em();
    const packs = await queryRows<Pack & PackTargets>(em, `SELECT ${SELECT_PACK}, ${EXISTING_TARGET_ARRAYS} FROM packs p ORDER BY p.id`);
    const scheduled = await queryRows<ScheduledQuery>(em, `SELECT ${SELECT_SCHEDULED} FROM scheduled_queries sq ${JOIN_QUERY} ORDER BY sq.id`);
    const byPack = new Map<number, PackWithQueries & { targets: PackTargets }>();
    for (const { host_ids, label_ids, ...pack } of packs) byPack.set(pack.id, { pack, queries: [], targets: { host_ids, label_ids } });
    for (const sq of scheduled) byPack.get(sq.pack_id)?.queries.push(sq);
    return [...byPack.values()];
  }

  private async insertTargets(tx: EntityManager, packId: number, targets: PackTargets): Promise<void> {
    const hosts = rowIds(targets.host_ids);
    const labels = rowIds(targets.label_ids);
    if (hosts.length === 0 && labels.length === 0) return;
    await queryRows(
      tx,
      `INSERT INTO pack_targets (pack_id, type, target_id)
       SELECT $1::int, ${TARGET_HOST}, unnest($2::int[]) UNION SELECT $1::int, ${TARGET_LABEL}, unnest($3::int[])`,
      [packId, hosts, labels],
    );
  }
}
