import { InvalidArgumentError, type QuerySpecInput } from '../internal/fleet';
import { EMPTY, requireField } from './user-validation';

/** Fleet's reason for SQL that attaches a database (3.5.1 security release). */
export const ATTACH_REASON = 'ATTACH not allowed in queries';

/**
 * Fleet's guard `attach\W.*\Was\W` (case-insensitive). `.` here also crosses newlines:
 * Fleet's Go regexp did not, so `ATTACH '/x'` and `AS y` on separate lines slipped through.
 */
const ATTACH = /attach\W[\s\S]*\Was(?:\W|$)/i;

/** Whether the SQL tries to ATTACH a database file (refused everywhere a query is saved). */
export function attachesDatabase(sql: string): boolean {
  return ATTACH.test(sql);
}

/** `name` / `query` of a query being created: both present and non-empty; SQL without ATTACH. */
export function checkNewQuery(input: { name?: string; query?: string }): void {
  const invalid = new InvalidArgumentError();
  requireField(invalid, 'name', input.name);
  if (requireField(invalid, 'query', input.query) && attachesDatabase(input.query)) invalid.append('query', ATTACH_REASON);
  invalid.throwIfAny();
}

/** A PATCH of a query: fields that are given must not be empty; SQL without ATTACH. */
export function checkQueryPatch(patch: { name?: string; query?: string }): void {
  const invalid = new InvalidArgumentError();
  if (patch.name === '') invalid.append('name', EMPTY);
  if (patch.query === '') invalid.append('query', EMPTY);
  else if (patch.query !== undefined && attachesDatabase(patch.query)) invalid.append('query', ATTACH_REASON);
  invalid.throwIfAny();
}

/**
 * A batch of query specs, checked as a whole before anything is written: every name and
 * SQL non-empty, no ATTACH, no name twice (names are unique case-insensitively, so two
 * specs of one name would silently overwrite each other). Reasons name `specs.<i>.<field>`.
 */
export function checkQuerySpecs(specs: QuerySpecInput[]): void {
  const invalid = new InvalidArgumentError();
  const seen = new Map<string, number>();
  specs.forEach((spec, i) => {
    const at = (field: string) => `specs.${i}.${field}`;
    if (spec.name === '') invalid.append(at('name'), 'query name must not be empty');
    else {
      const key = spec.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) invalid.append(at('name'), `duplicate query name '${spec.name}' (also specs.${first})`);
      else seen.set(key, i);
    }
    if (spec.query === '') invalid.append(at('query'), 'query must not be empty');
    else if (attachesDatabase(spec.query)) invalid.append(at('query'), ATTACH_REASON);
  });
  invalid.throwIfAny();
}
