import {
  AlreadyExistsError,
  InvalidArgumentError,
  NotFoundError,
  type ListOptions,
  type NewQuery,
  type Query,
  type QuerySpecInput,
  type QueryStore,
} from '../../internal/fleet';
import { QUERY_ORDER_FIELDS } from '../order-fields';
import { listPage } from './list';
import { copy, sameFolded, type InmemTables, type StoredQuery } from './tables';

export class InmemQueryStore implements QueryStore {
  constructor(private readonly t: InmemTables) {}

  async newQuery(input: NewQuery): Promise<Query> {
    this.assertNameFree(input.name);
    this.assertAuthor(input.author_id);
    return this.view(this.insert(input));
  }

  async query(id: number): Promise<Query> {
    return this.view(this.find(id));
  }

  async queryByName(name: string): Promise<Query | null> {
    const found = this.byName(name);
    return found ? this.view(found) : null;
  }

  async listQueries(opts: ListOptions): Promise<Query[]> {
    const saved = [...this.t.queries.values()].filter((q) => q.saved).map((q) => this.view(q));
    return listPage(saved, opts, QUERY_ORDER_FIELDS);
  }

  async saveQuery(query: Query): Promise<Query> {
    const stored = this.find(query.id);
    this.assertNameFree(query.name, query.id);
    this.assertAuthor(query.author_id);
    const saved: StoredQuery = { ...queryFields(query), id: stored.id, created_at: stored.created_at, updated_at: new Date() };
    this.t.queries.set(saved.id, saved);
    return this.view(saved);
  }

  async deleteQuery(id: number): Promise<void> {
    this.find(id);
    this.remove(id);
  }

  async deleteQueries(ids: number[]): Promise<number> {
    let deleted = 0;
    for (const id of new Set(ids)) {
      if (!this.t.queries.has(id)) continue;
      this.remove(id);
      deleted += 1;
    }
    return deleted;
  }

  async applyQuerySpecs(specs: QuerySpecInput[], authorId: number | null): Promise<void> {
    // All checks first: the apply is all or nothing, as the Postgres transaction is.
    for (const spec of specs) {
      if (spec.name === '') throw new InvalidArgumentError('name', 'query name must not be empty');
    }
    if (specs.length === 0) return;
    this.assertAuthor(authorId);
    for (const spec of specs) {
      const fields: NewQuery = { name: spec.name, description: spec.description, query: spec.query, saved: true, author_id: authorId };
      const existing = this.byName(spec.name);
      if (existing) this.t.queries.set(existing.id, { ...existing, ...fields, updated_at: new Date() });
      else this.insert(fields);
    }
  }

  private insert(fields: NewQuery): StoredQuery {
    const now = new Date();
    const query: StoredQuery = { ...queryFields(fields), id: this.t.queryIds.nextId(), created_at: now, updated_at: new Date(now.getTime()) };
    this.t.queries.set(query.id, query);
    return query;
  }

  /** A copy with author_name derived from the users table, as the SQL's join does. */
  private view(q: StoredQuery): Query {
    const author = q.author_id === null ? undefined : this.t.users.get(q.author_id);
    return {
      ...copy(q),
      author_id: author ? q.author_id : null,
      author_name: author ? author.name || author.username : '',
    };
  }

  private find(id: number): StoredQuery {
    const query = this.t.queries.get(id);
    if (!query) throw new NotFoundError('Query', id);
    return query;
  }

  private byName(name: string): StoredQuery | undefined {
    for (const q of this.t.queries.values()) if (sameFolded(q.name, name)) return q;
    return undefined;
  }

  private assertNameFree(name: string, exceptId?: number): void {
    const other = this.byName(name);
    if (other && other.id !== exceptId) throw new AlreadyExistsError('Query', name);
  }

  /** The foreign key of queries.author_id. */
  private assertAuthor(authorId: number | null): void {
    if (authorId !== null && !this.t.users.has(authorId)) throw new NotFoundError('User', authorId);
  }

  /** The query and, as ON DELETE CASCADE does, every scheduled query of it. */
  private remove(id: number): void {
    this.t.queries.delete(id);
    for (const [sqId, sq] of this.t.scheduledQueries) if (sq.query_id === id) this.t.scheduledQueries.delete(sqId);
  }
}

/** Only the stored fields, whatever else the caller's object carries. */
function queryFields(q: NewQuery): NewQuery {
  return { name: q.name, description: q.description, query: q.query, saved: q.saved, author_id: q.author_id };
}
