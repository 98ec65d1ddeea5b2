import { InvalidArgumentError, type PackSpecInput } from '../internal/fleet';
import { checkScheduleOptions } from './schedule-validation';

/**
 * The value rules of a batch of pack specs, checked as a whole before anything is written
 * (POST /spec/packs): non-empty pack names, each pack named once; label names non-empty;
 * every scheduled query names a saved query, has a name unique in its pack and valid
 * options. Reasons name `specs.<i>…`; all failures are reported together.
 */
export function checkPackSpecs(specs: PackSpecInput[]): void {
  const invalid = new InvalidArgumentError();
  const packs = new Map<string, number>();
  specs.forEach((spec, i) => {
    const at = (field: string) => `specs.${i}.${field}`;
    if (spec.name === '') invalid.append(at('name'), 'pack name must not be empty');
    else {
      const first = packs.get(spec.name.toLowerCase());
      if (first !== undefined) invalid.append(at('name'), `duplicate pack name '${spec.name}' (also specs.${first})`);
      else packs.set(spec.name.toLowerCase(), i);
    }
    spec.targets.labels.forEach((label, k) => {
      if (label === '') invalid.append(at(`targets.labels.${k}`), 'label name must not be empty');
    });
    const names = new Map<string, number>();
    spec.queries.forEach((q, j) => {
      const qat = (field: string) => at(`queries.${j}.${field}`);
      if (q.query === '') invalid.append(qat('query'), 'query must not be empty');
      if (q.name === '') invalid.append(qat('name'), 'name must not be empty');
      else {
        const first = names.get(q.name.toLowerCase());
        if (first !== undefined) {
          invalid.append(qat('name'), `duplicate scheduled query name '${q.name}' in pack '${spec.name}' (also queries.${first})`);
        } else names.set(q.name.toLowerCase(), j);
      }
      checkScheduleOptions(invalid, q, qat);
    });
  });
  invalid.throwIfAny();
}

/**
 * References a batch of pack specs makes that do not resolve: saved-query and label
 * names (compared case-insensitively, as the store does). Fleet's texts, with the field
 * that names them; the caller supplies the lookups.
 */
export async function checkPackSpecReferences(
  specs: PackSpecInput[],
  exists: { query(name: string): Promise<boolean>; label(name: string): Promise<boolean> },
): Promise<void> {
  const invalid = new InvalidArgumentError();
  const queries = memo(exists.query);
  const labels = memo(exists.label);
  for (const [i, spec] of specs.entries()) {
    for (const [k, label] of spec.targets.labels.entries()) {
      if (!(await labels(label))) invalid.append(`specs.${i}.targets.labels.${k}`, `applying pack '${spec.name}': unknown label '${label}'`);
    }
    for (const [j, q] of spec.queries.entries()) {
      if (!(await queries(q.query))) {
        invalid.append(`specs.${i}.queries.${j}.query`, `applying pack '${spec.name}': cannot schedule unknown query '${q.query}'`);
      }
    }
  }
  invalid.throwIfAny();
}

function memo(lookup: (name: string) => Promise<boolean>): (name: string) => Promise<boolean> {
  const seen = new Map<string, Promise<boolean>>();
  return (name) => {
    const key = name.toLowerCase();
    let p = seen.get(key);
    if (!p) {
      p = lookup(name);
      seen.set(key, p);
    }
    return p;
  };
}
