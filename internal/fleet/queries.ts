import type { ListOptions } from './list-options';

/** A saved (or live-query ad-hoc) query. Field names are Fleet's JSON names. */
export interface Query {
  id: number;
  created_at: Date;
  updated_at: Date;
  name: string;
  description: string;
  query: string;
  /** False for the ad-hoc queries live queries create (hidden from lists). */
  saved: boolean;
  /** Null when the author was deleted. */
  author_id: number | null;
  /** The author's name, else username, else "" (derived on read). */
  author_name: string;
}

export type NewQuery = Omit<Query, 'id' | 'created_at' | 'updated_at' | 'author_name'>;

export const QUERY_ORDER_KEYS = ['id', 'created_at', 'updated_at', 'name', 'description', 'query', 'saved', 'author_id'] as const;

/** A query spec as `fleetctl apply` sends it (already validated). */
export interface QuerySpecInput {
  name: string;
  description: string;
  query: string;
}

export interface QueryStore {
  /** Throws AlreadyExistsError('Query', name) when the name is taken (case-insensitive). */
  newQuery(query: NewQuery): Promise<Query>;
  /** Throws NotFoundError('Query', id). */
  query(id: number): Promise<Query>;
  /** Case-insensitive; saved or not; null when none. */
  queryByName(name: string): Promise<Query | null>;
  /** Saved queries only. */
  listQueries(opts: ListOptions): Promise<Query[]>;
  /**
   * Saves name, description, query, saved, author_id. A rename carries its scheduled
   * queries along (they reference the query). AlreadyExistsError / NotFoundError.
   */
  saveQuery(query: Query): Promise<Query>;
  /** Deletes the query and every scheduled query of it. NotFoundError('Query', id). */
  deleteQuery(id: number): Promise<void>;
  /** Deletes those of `ids` that exist (with their scheduled queries); returns how many. */
  deleteQueries(ids: number[]): Promise<number>;
  /** Upserts by name in one transaction; sets author and saved=true on every spec'd query. */
  applyQuerySpecs(specs: QuerySpecInput[], authorId: number | null): Promise<void>;
}
