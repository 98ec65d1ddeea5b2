import { inject, injectable } from 'inversify';
import type { InvalidationBus } from '../internal/cache/invalidation-bus';
import { TYPES } from '../internal/container/identifiers';
import {
  InvalidArgumentError,
  NotFoundError,
  type Datastore,
  type ListOptions,
  type Query,
  type QueryService,
  type QuerySpecInput,
  type QueryWithPacks,
  type Viewer,
} from '../internal/fleet';
import { checkNewQuery, checkQueryPatch, checkQuerySpecs } from './query-validation';

/** Most ids one `POST /queries/delete` may name. */
export const MAX_DELETE_IDS = 10_000;

/**
 * Saved queries and query specs (spec rest-api.md §10) with the policy's fixes: name and
 * SQL are required and non-empty (422), ATTACH is refused everywhere (422), a missing query
 * is a 404, an empty batch delete is a 422. Every write tells the agent path (through the
 * bus) to rebuild configs, since scheduled queries carry the SQL and name of their query.
 */
@injectable()
export class QueryServiceImpl implements QueryService {
  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.InvalidationBus) private readonly bus: InvalidationBus,
  ) {}

  async newQuery(viewer: Viewer, input: { name?: string; description?: string; query?: string }): Promise<QueryWithPacks> {
    checkNewQuery(input);
    const query = await this.ds.newQuery({
      name: input.name!,
      description: input.description ?? '',
      query: input.query!,
      saved: true,
      author_id: viewer.user.id,
    });
    this.changed();
    // Fleet's create response names the caller by `name` only (it does not re-read the row).
    return { query: { ...query, author_id: viewer.user.id, author_name: viewer.user.name }, packs: [] };
  }

  async modifyQuery(id: number, patch: { name?: string; description?: string; query?: string }): Promise<QueryWithPacks> {
    checkQueryPatch(patch);
    const current = await this.ds.query(id);
    const saved = await this.ds.saveQuery({
      ...current,
      name: patch.name ?? current.name,
      description: patch.description ?? current.description,
      query: patch.query ?? current.query,
    });
    this.changed();
    return this.withPacks(saved);
  }

  async query(id: number): Promise<QueryWithPacks> {
    return this.withPacks(await this.ds.query(id));
  }

  async listQueries(opts: ListOptions): Promise<QueryWithPacks[]> {
    const queries = await this.ds.listQueries(opts);
    return Promise.all(queries.map((q) => this.withPacks(q)));
  }

  async deleteQuery(name: string): Promise<void> {
    const query = await this.ds.queryByName(name);
    // Fleet names the table here: `queries <name> was not found in the datastore`.
    if (!query) throw new NotFoundError('queries', name);
    await this.ds.deleteQuery(query.id);
    this.changed();
  }

  async deleteQueryById(id: number): Promise<void> {
    await this.ds.deleteQuery(id);
    this.changed();
  }

  async deleteQueries(ids: number[]): Promise<number> {
    if (ids.length === 0) throw new InvalidArgumentError('ids', 'must name at least one query id');
    if (ids.length > MAX_DELETE_IDS) throw new InvalidArgumentError('ids', `must name at most ${MAX_DELETE_IDS} query ids`);
    const deleted = await this.ds.deleteQueries([...new Set(ids)]);
    if (deleted > 0) this.changed();
    return deleted;
  }

  async applyQuerySpecs(viewer: Viewer, specs: QuerySpecInput[]): Promise<void> {
    checkQuerySpecs(specs);
    if (specs.length === 0) return;
    await this.ds.applyQuerySpecs(specs, viewer.user.id);
    this.changed();
  }

  async querySpecs(): Promise<QuerySpecInput[]> {
    const queries = await this.ds.listQueries({ page: 0, orderKey: 'id', orderDirection: 'asc' });
    return queries.map(specOf);
  }

  async querySpec(name: string): Promise<QuerySpecInput> {
    const query = await this.ds.queryByName(name);
    if (!query) throw new NotFoundError('Query', name);
    return specOf(query);
  }

  private async withPacks(query: Query): Promise<QueryWithPacks> {
    return { query, packs: await this.ds.packsForQuery(query.id) };
  }

  private changed(): void {
    this.bus.publish({ kind: 'agent-config-changed' });
  }
}

function specOf(q: Query): QuerySpecInput {
  return { name: q.name, description: q.description, query: q.query };
}
