import type { ListOptions } from './list-options';
import type { Pack } from './packs';
import type { Query, QuerySpecInput } from './queries';
import type { Viewer } from './viewer';

export interface QueryWithPacks {
  query: Query;
  packs: Pack[];
}

export interface QueryService {
  newQuery(viewer: Viewer, input: { name?: string; description?: string; query?: string }): Promise<QueryWithPacks>;
  modifyQuery(id: number, patch: { name?: string; description?: string; query?: string }): Promise<QueryWithPacks>;
  query(id: number): Promise<QueryWithPacks>;
  listQueries(opts: ListOptions): Promise<QueryWithPacks[]>;
  deleteQuery(name: string): Promise<void>;
  deleteQueryById(id: number): Promise<void>;
  deleteQueries(ids: number[]): Promise<number>;
  applyQuerySpecs(viewer: Viewer, specs: QuerySpecInput[]): Promise<void>;
  querySpecs(): Promise<QuerySpecInput[]>;
  querySpec(name: string): Promise<QuerySpecInput>;
}
