import type { TargetSelection } from '../../internal/fleet';
import { JsonFields } from './json-fields';
import { MAX_HOSTNAME, MAX_LABEL_NAME, MAX_LABEL_QUERY } from './labels.requests';
import { MAX_SELECTED } from './targets.requests';

/** `POST /queries/run {"query": s, "selected": {"hosts": [ids], "labels": [ids]}}`. */
export function decodeRunQuery(body: unknown): { query: string; selected: TargetSelection } {
  const f = JsonFields.body(body);
  const query = f.string('query', MAX_LABEL_QUERY, true);
  const selected = f.object('selected');
  const host_ids = selected?.ids('hosts', MAX_SELECTED) ?? [];
  const label_ids = selected?.ids('labels', MAX_SELECTED) ?? [];
  f.done();
  return { query: query!, selected: { host_ids: [...new Set(host_ids)], label_ids: [...new Set(label_ids)] } };
}

/** `POST /queries/run_by_names {"query": s, "selected": {"hosts": [hostnames], "labels": [label names]}}`. */
export function decodeRunQueryByNames(body: unknown): { query: string; selected: { hosts: string[]; labels: string[] } } {
  const f = JsonFields.body(body);
  const query = f.string('query', MAX_LABEL_QUERY, true);
  const selected = f.object('selected');
  const hosts = selected?.strings('hosts', MAX_SELECTED, MAX_HOSTNAME) ?? [];
  const labels = selected?.strings('labels', MAX_SELECTED, MAX_LABEL_NAME) ?? [];
  f.done();
  return { query: query!, selected: { hosts: [...new Set(hosts)], labels: [...new Set(labels)] } };
}
