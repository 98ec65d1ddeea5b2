import { NotFoundError, type QuerySpecInput } from '../../internal/fleet';
import { echo } from './hosts.requests';
import { JsonFields } from './json-fields';

// Type and size checks only; which fields are required and non-empty is the service's rule.
export const MAX_QUERY_NAME = 255;
export const MAX_QUERY_DESCRIPTION = 65_535;
export const MAX_QUERY_SQL = 65_536;
/** Specs in one `POST /spec/queries` (the body size limit usually bites first). */
export const MAX_QUERY_SPECS = 10_000;
/** Ids in one `POST /queries/delete`. */
export const MAX_DELETE_IDS = 10_000;

/** A name from the path; one longer than any name can be is simply not found. */
export function pathName(raw: string | string[] | undefined, resource: string, max: number): string {
  const name = String(raw ?? '');
  if (name.length > max) throw new NotFoundError(resource, echo(name));
  return name;
}

/** `POST /queries`, `PATCH /queries/{id}`: `name`, `description`, `query`, all optional strings here. */
export function decodeQueryFields(body: unknown): { name?: string; description?: string; query?: string } {
  const f = JsonFields.body(body);
  const out = {
    name: f.string('name', MAX_QUERY_NAME),
    description: f.string('description', MAX_QUERY_DESCRIPTION),
    query: f.string('query', MAX_QUERY_SQL),
  };
  f.done();
  return withoutUndefined(out);
}

/** `POST /queries/delete {"ids": [...]}`: a present array of positive integer ids. */
export function decodeDeleteQueries(body: unknown): number[] {
  const f = JsonFields.body(body);
  const ids = f.ids('ids', MAX_DELETE_IDS, true);
  f.done();
  return ids!;
}

/** `POST /spec/queries {"specs": [QuerySpec…]}`: every spec's types, all failures reported as `specs.<i>.<field>`. */
export function decodeApplyQuerySpecs(body: unknown): QuerySpecInput[] {
  const f = JsonFields.body(body);
  const items = f.objects('specs', MAX_QUERY_SPECS, true);
  const specs: QuerySpecInput[] = [];
  for (const item of items ?? []) {
    if (!item) continue;
    specs.push({
      name: item.string('name', MAX_QUERY_NAME, true) ?? '',
      description: item.string('description', MAX_QUERY_DESCRIPTION) ?? '',
      query: item.string('query', MAX_QUERY_SQL, true) ?? '',
    });
  }
  f.done();
  return specs;
}

/** Drops keys whose value is undefined (so `{...current, ...patch}` keeps the current values). */
export function withoutUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
