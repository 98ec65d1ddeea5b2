import type { TargetSelection } from '../../internal/fleet';
import { MAX_SEARCH_LENGTH } from './hosts.requests';
import { JsonFields } from './json-fields';

/** Selected hosts or labels in one target search. */
export const MAX_SELECTED = 100_000;

/**
 * `POST /targets {"query": s, "selected": {"hosts": [ids], "labels": [ids]}}`: every part
 * optional (absent text searches for the defaults; absent selection selects nothing).
 */
export function decodeTargetSearch(body: unknown): { query: string; selected: TargetSelection } {
  const f = JsonFields.body(body);
  const query = f.string('query', MAX_SEARCH_LENGTH) ?? '';
  const selected = f.object('selected');
  const host_ids = selected?.ids('hosts', MAX_SELECTED) ?? [];
  const label_ids = selected?.ids('labels', MAX_SELECTED) ?? [];
  f.done();
  return { query, selected: { host_ids: [...new Set(host_ids)], label_ids: [...new Set(label_ids)] } };
}
