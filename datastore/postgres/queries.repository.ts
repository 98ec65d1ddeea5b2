import type { EntityManager } from 'typeorm';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  MAX_LIST_ROWS,
  NotFoundError,
  type ListOptions,
  type NewQuery,
  type Query,
  type QuerySpecInput,
  type QueryStore,
} from '../../internal/fleet';
import { orderField, QUERY_ORDER_FIELDS } from '../order-fields';
import type { ManagerSource } from './connection';
import { isForeignKeyViolation, uniqueViolation } from './pg-errors';
import { mutate, Params, queryRows } from './sql';

/** A query row with its author's display name (name, else username, else ""). */
const SELECT_QUERY = `q.id, q.created_at, q.updated_at, q.name, q.description, q.query, q.saved, q.author_id,
  coalesce(nullif(u.name, ''), u.username, '') AS author_name`;
const AUTHOR_JOIN = 'LEFT JOIN users u ON u.id = q.author_id';

/** Order fields that are not text; text sorts in byte order, as the in-memory store does. */
const NON_TEXT_FIELDS = new Set(['id', 'created_at', 'updated_at', 'saved', 'author_id']);

/** A taken name (unique lower(name)) as AlreadyExistsError('Query', name); a missing author as NotFoundError('User'). */
function queryWriteError(err: unknown, name: string, authorId: number | null): unknown {
  if (uniqueViolation(err) === 'queries_name_lower_key') return new AlreadyExistsError('Query', name);
  if (isForeignKeyViolation(err) && authorId !== null) return new NotFoundError('User', authorId);
  return err;
}

export class QueriesRepository implements QueryStore {
  constructor(private readonly em: ManagerSource) {}

  async newQuery(query: NewQuery): Promise<Query> {
    try {
      // Insert and read back with the author's name in one statement.
      const [row] = await queryRows<Query>(
        await this.em(),
        `WITH q AS (
           INSERT INTO queries (name, description, query, saved, author_id) VALUES ($1, $2, $3, $4, $5) RETURNING *
         )
         SELECT ${SELECT_QUERY} FROM q ${AUTHOR_JOIN}`,
        [query.name, query.description, query.query, query.saved, query.author_id],
      );
      return row!;
    } catch (err) {
      throw queryWriteError(err, query.name, query.author_id);
    }
  }

  async query(id: number): Promise<Query> {
    const [row] = await queryRows<Query>(await this.em(), `SELECT ${SELECT_QUERY} FROM queries q ${AUTHOR_JOIN} WHERE q.id = $1`, [id]);
    if (!row) throw new NotFoundError('Query', id);
    return row;
  }

  async queryByName(name: string): Promise<Query | null> {
    const [row] = await queryRows<Query>(
      await this.em(),
      `SELECT ${SELECT_QUERY} FROM queries q ${AUTHOR_JOIN} WHERE lower(q.name) = lower($1)`,
      [name],
    );
    return row ?? null;
  }

  async listQueries(opts: ListOptions): Promise<Query[]> {
    const field = orderField(QUERY_ORDER_FIELDS, opts.orderKey);
    const direction = opts.orderDirection === 'desc' ? 'DESC' : 'ASC';
    const p = new Params();
    const limit = p.add(opts.perPage ?? MAX_LIST_ROWS);
    const offset = p.add(opts.perPage === undefined ? 0 : opts.page * opts.perPage);
    return queryRows<Query>(
      await this.em(),
      `SELECT ${SELECT_QUERY} FROM queries q ${AUTHOR_JOIN} WHERE q.saved
       ORDER BY q.${field}${NON_TEXT_FIELDS.has(field) ? '' : ' COLLATE "C"'} ${direction}${field === 'id' ? '' : ', q.id ASC'}
       LIMIT ${limit} OFFSET ${offset}`,
      p.values,
    );
  }

  async saveQuery(query: Query): Promise<Query> {
    let rows: Query[];
    try {
      // A SELECT at the top: plain rows (mutate is for a bare UPDATE or DELETE).
      rows = await queryRows<Query>(
        await this.em(),
        `WITH q AS (
           UPDATE queries SET name = $2, description = $3, query = $4, saved = $5, author_id = $6, updated_at = now()
           WHERE id = $1 RETURNING *
         )
         SELECT ${SELECT_QUERY} FROM q ${AUTHOR_JOIN}`,
        [query.id, query.name, query.description, query.query, query.saved, query.author_id],
      );
    } catch (err) {
      throw queryWriteError(err, query.name, query.author_id);
    }
    if (rows.length === 0) throw new NotFoundError('Query', query.id);
    return rows[0]!;
  }

  async deleteQuery(id: number): Promise<void> {
    // Scheduled queries of it go by ON DELETE CASCADE.
    const { count } = await mutate(await this.em(), 'DELETE FROM queries WHERE id = $1', [id]);
    if (count === 0) throw new NotFoundError('Query', id);
  }

  async deleteQueries(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const { count } = await mutate(await this.em(), 'DELETE FROM queries WHERE id = ANY($1::int[])', [ids]);
    return count;
  }

  async applyQuerySpecs(specs: QuerySpecInput[], authorId: number | null): Promise<void> {
    for (const spec of specs) {
      if (spec.name === '') throw new InvalidArgumentError('name', 'query name must not be empty');
    }
    if (specs.length === 0) return;
    await (
      await this.em()
    ).transaction(async (tx) => {
      for (const spec of specs) {
        try {
          await this.applySpec(tx, spec, authorId);
        } catch (err) {
          throw queryWriteError(err, spec.name, authorId);
        }
      }
    });
  }

  /** Update by name, else insert: no identity value is burnt on an update (as labels do). */
  private async applySpec(tx: EntityManager, spec: QuerySpecInput, authorId: number | null): Promise<void> {
    const values = [spec.name, spec.description, spec.query, authorId];
    const { count } = await mutate(
      tx,
      `UPDATE queries SET name = $1, description = $2, query = $3, author_id = $4, saved = true, updated_at = now()
       WHERE lower(name) = lower($1)`,
      values,
    );
    if (count > 0) return;
    await queryRows(tx, 'INSERT INTO queries (name, description, query, author_id, saved) VALUES ($1, $2, $3, $4, true)', values);
  }
}
