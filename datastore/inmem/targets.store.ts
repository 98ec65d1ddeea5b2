import {
  inStatusBucket,
  type Host,
  type Label,
  type TargetCounts,
  type TargetSelection,
  type TargetStore,
} from '../../internal/fleet';
import { matchesWordPrefix, searchTerms } from '../pack-fields';
import { copy, type InmemTables } from './tables';

export class InmemTargetStore implements TargetStore {
  constructor(private readonly t: InmemTables) {}

  async searchHosts(search: { terms: string[]; raw: string }, excludeIds: number[], limit: number): Promise<Host[]> {
    const terms = searchTerms(search.terms);
    const exclude = new Set(excludeIds);
    const raw = search.raw;
    const rawLower = raw.toLowerCase();
    const rows = [...this.t.hosts.values()].filter(
      (h) =>
        !exclude.has(h.id) &&
        (terms.length === 0 ||
          matchesWordPrefix(h.hostname, terms) ||
          matchesWordPrefix(h.uuid, terms) ||
          (raw !== '' && (h.primary_ip === raw || h.primary_mac.toLowerCase() === rawLower))),
    );
    // No terms: most recently seen first, ties by id. Matches: id order (as the SQL, which can then stop early).
    rows.sort(terms.length === 0 ? (a, b) => b.seen_time.getTime() - a.seen_time.getTime() || a.id - b.id : (a, b) => a.id - b.id);
    return rows.slice(0, Math.max(0, limit)).map(copy);
  }

  async searchLabels(terms: string[], excludeIds: number[], limit: number): Promise<Label[]> {
    const words = searchTerms(terms);
    const exclude = new Set(excludeIds);
    const rows = [...this.t.labels.values()].filter((l) => !exclude.has(l.id) && (words.length === 0 || matchesWordPrefix(l.name, words)));
    // Builtin first, then id.
    rows.sort((a, b) => Number(b.label_type === 'builtin') - Number(a.label_type === 'builtin') || a.id - b.id);
    return rows.slice(0, Math.max(0, limit)).map(copy);
  }

  async labelHostCountsFor(labelIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>(labelIds.map((id) => [id, 0]));
    // The rule of InmemLabelStore.labelHostCounts (memberships go with their host).
    for (const mine of this.t.memberships.values()) {
      for (const id of mine.keys()) if (out.has(id)) out.set(id, out.get(id)! + 1);
    }
    return out;
  }

  async countHostsInTargets(selection: TargetSelection, now: Date): Promise<TargetCounts> {
    const counts: TargetCounts = { total: 0, online: 0, offline: 0, mia: 0, new: 0 };
    for (const id of this.hostIds(selection)) {
      const h = this.t.hosts.get(id)!;
      counts.total += 1;
      if (inStatusBucket(h, 'online', now)) counts.online += 1;
      if (inStatusBucket(h, 'offline', now)) counts.offline += 1;
      if (inStatusBucket(h, 'mia', now)) counts.mia += 1;
      if (inStatusBucket(h, 'new', now)) counts.new += 1;
    }
    return counts;
  }

  async hostIdsInTargets(selection: TargetSelection): Promise<number[]> {
    return [...this.hostIds(selection)].sort((a, b) => a - b);
  }

  /** Distinct existing hosts: the explicit ids ∪ members of the labels. */
  private hostIds(selection: TargetSelection): Set<number> {
    const ids = new Set<number>();
    for (const id of selection.host_ids) if (this.t.hosts.has(id)) ids.add(id);
    if (selection.label_ids.length > 0) {
      for (const [hostId, mine] of this.t.memberships) {
        if (!this.t.hosts.has(hostId)) continue;
        if (selection.label_ids.some((l) => mine.has(l))) ids.add(hostId);
      }
    }
    return ids;
  }
}
