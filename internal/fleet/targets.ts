import type { Host } from './hosts';
import type { Label } from './labels';

export interface TargetSelection {
  host_ids: number[];
  label_ids: number[];
}

export interface TargetCounts {
  total: number;
  online: number;
  offline: number;
  mia: number;
  new: number;
}

export interface TargetStore {
  /**
   * Hosts matching a search: hostname or uuid containing a word that starts with a term,
   * or primary_ip/primary_mac equal to the raw text; excluding `excludeIds`.
   * An empty `terms` list means the most recently seen hosts.
   */
  searchHosts(search: { terms: string[]; raw: string }, excludeIds: number[], limit: number): Promise<Host[]>;
  /** Labels whose name contains a word starting with a term (builtin first, then id); empty terms: the first labels. */
  searchLabels(terms: string[], excludeIds: number[], limit: number): Promise<Label[]>;
  /**
   * Members of each given label (what LabelStore.labelHostCounts reports for it), counting
   * only those labels: every given id has an entry, 0 for an unknown or empty label.
   */
  labelHostCountsFor(labelIds: number[]): Promise<Map<number, number>>;
  /** Distinct existing hosts of the selection (explicit ids ∪ members of the labels), counted by status at `now`. */
  countHostsInTargets(selection: TargetSelection, now: Date): Promise<TargetCounts>;
  /** Distinct existing host ids of the selection. */
  hostIdsInTargets(selection: TargetSelection): Promise<number[]>;
}
