import {
  MIA_AFTER_MS,
  type Host,
  type Label,
  type TargetCounts,
  type TargetSelection,
  type TargetStore,
} from '../../internal/fleet';
import { containsPatterns, rowIds, searchTerms, exactWordsTsquery, wordPrefixPattern, wordPrefixTsquery } from '../pack-fields';
import type { ManagerSource } from './connection';
import { FROM_HOSTS, hours, SELECT_HOST, statusCondition, toHost, type HostRow } from './hosts.repository';
import { SELECT_LABEL } from './labels.repository';
import { Params, queryRows } from './sql';

/**
 * The distinct existing hosts of a selection ($1 host ids, $2 label ids), as `hosts h`
 * (by default joined to its seen row `s`), in two disjoint parts: members of the labels (a semi-join, so
 * a host in several labels counts once, and the planner sees the membership statistics:
 * a UNION with the explicit ids hid them and made it loop over 100,000 index probes for
 * "All Hosts"), then explicit hosts that are in none of the labels.
 */
function selectedHosts(columns: string, from = FROM_HOSTS): string {
  return `SELECT ${columns} FROM ${from}
    WHERE h.id IN (SELECT m.host_id FROM label_membership m WHERE m.label_id = ANY($2::int[]))
    UNION ALL
    SELECT ${columns} FROM ${from}
    WHERE h.id = ANY($1::int[])
      AND NOT EXISTS (SELECT 1 FROM label_membership m WHERE m.host_id = h.id AND m.label_id = ANY($2::int[]))`;
}

/**
 * The words of a host's hostname, uuid, primary IP and MAC as a tsvector: the expression of
 * hosts_search_words_idx (migration 1772582400000-host-search-words), which must stay
 * identical for the planner to use the index. Over the hosts row aliased `h`.
 */
export const HOST_SEARCH_WORDS = `array_to_tsvector(array_remove(regexp_split_to_array(
  regexp_replace(lower(h.host_name || ' ' || h.uuid || ' ' || h.primary_ip || ' ' || h.primary_mac), '([a-z0-9]{100})[a-z0-9]+', '\\1', 'g'),
  '[^a-z0-9]+'), ''))`;

export class TargetsRepository implements TargetStore {
  constructor(private readonly em: ManagerSource) {}

  /**
   * One statement. No terms: the most recently seen hosts (a walk down the seen_time
   * index). Terms: matches in id order. The word index (HOST_SEARCH_WORDS) finds the
   * candidates of a rare term (an IP, a hostname: ~1 ms at 110,000 hosts, where the scan took
   * ~115 ms); for a broad one the planner walks the id index instead and stops after `limit`
   * matches (its statistics of the index expression tell the two apart). The stored
   * `search_text` LIKE is a cheap pre-filter on that walk, and the word-start regex decides.
   * The word query needs a letter or digit in every term; without one the walk alone runs.
   * The page's full rows are fetched after the LIMIT. Measured at 100,000 hosts: see
   * test/datastore/packs-targets.perf.ts.
   */
  async searchHosts(search: { terms: string[]; raw: string }, excludeIds: number[], limit: number): Promise<Host[]> {
    const terms = searchTerms(search.terms);
    const p = new Params();
    const where = [`NOT (h.id = ANY(${p.add(rowIds(excludeIds))}::int[]))`];
    let order = 's.seen_time DESC, h.id ASC';
    let from = 'hosts h JOIN host_seen_times s ON s.host_id = h.id';
    if (terms.length > 0) {
      const re = p.add(wordPrefixPattern(terms));
      // Candidates of the word index: the terms' words, or the raw text's (an IP or MAC is
      // made of words of HOST_SEARCH_WORDS too).
      const termWords = wordPrefixTsquery(terms);
      const rawWords = search.raw === '' ? '' : exactWordsTsquery(search.raw);
      if (termWords !== null && rawWords !== null) {
        where.push(`${HOST_SEARCH_WORDS} @@ ${p.add(rawWords === '' ? termWords : `${termWords} | ${rawWords}`)}::tsquery`);
      }
      const match = [`(h.search_text LIKE ANY(${p.add(containsPatterns(terms))}::text[]) AND (lower(h.host_name) ~ ${re} OR lower(h.uuid) ~ ${re}))`];
      if (search.raw !== '') {
        const raw = p.add(search.raw);
        match.push(`h.primary_ip = ${raw}`, `lower(h.primary_mac) = lower(${raw})`);
      }
      where.push(`(${match.join(' OR ')})`);
      order = 'h.id ASC';
      from = 'hosts h';
    }
    const rows = await queryRows<HostRow>(
      await this.em(),
      `SELECT ${SELECT_HOST} FROM (
         SELECT h.id FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p.add(Math.max(0, limit))}
       ) page JOIN ${FROM_HOSTS} ON h.id = page.id
       ORDER BY ${order}`,
      p.values,
    );
    return rows.map(toHost);
  }

  async searchLabels(terms: string[], excludeIds: number[], limit: number): Promise<Label[]> {
    const words = searchTerms(terms);
    const p = new Params();
    const where = [`NOT (l.id = ANY(${p.add(rowIds(excludeIds))}::int[]))`];
    if (words.length > 0) where.push(`lower(l.name) ~ ${p.add(wordPrefixPattern(words))}`);
    return queryRows<Label>(
      await this.em(),
      `SELECT ${SELECT_LABEL} FROM labels l WHERE ${where.join(' AND ')}
       ORDER BY (l.label_type = 'builtin') DESC, l.id LIMIT ${p.add(Math.max(0, limit))}`,
      p.values,
    );
  }

  /** One statement: an index-only count per label (label_membership_label_id_idx). */
  async labelHostCountsFor(labelIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>(labelIds.map((id) => [id, 0]));
    const ids = rowIds(labelIds);
    if (ids.length === 0) return out;
    const rows = await queryRows<{ id: number; n: number }>(
      await this.em(),
      `SELECT l.id, (SELECT count(*) FROM label_membership m WHERE m.label_id = l.id)::int AS n FROM unnest($1::int[]) AS l(id)`,
      [ids],
    );
    for (const { id, n } of rows) out.set(id, n);
    return out;
  }

  /** One statement; the status rules are hostStatusSummary's (the online test computed once per row). */
  async countHostsInTargets(selection: TargetSelection, now: Date): Promise<TargetCounts> {
    const hostIds = rowIds(selection.host_ids);
    const labelIds = rowIds(selection.label_ids);
    if (hostIds.length === 0 && labelIds.length === 0) return { total: 0, online: 0, offline: 0, mia: 0, new: 0 };
    const n = '$3::timestamptz';
    const [row] = await queryRows<TargetCounts>(
      await this.em(),
      `SELECT count(*)::int AS total,
         count(*) FILTER (WHERE x.online)::int AS online,
         count(*) FILTER (WHERE NOT x.online AND x.seen_time >= ${n} - ${hours(MIA_AFTER_MS)})::int AS offline,
         count(*) FILTER (WHERE ${statusCondition('mia', n, 'x', 'x')})::int AS mia,
         count(*) FILTER (WHERE ${statusCondition('new', n, 'x', 'x')})::int AS "new"
       FROM (${selectedHosts(`s.seen_time, h.created_at, ${statusCondition('online', n)} AS online`)} OFFSET 0) x`,
      [hostIds, labelIds, now],
    );
    return row!;
  }

  async hostIdsInTargets(selection: TargetSelection): Promise<number[]> {
    const hostIds = rowIds(selection.host_ids);
    const labelIds = rowIds(selection.label_ids);
    if (hostIds.length === 0 && labelIds.length === 0) return [];
    const rows = await queryRows<{ id: number }>(await this.em(), `SELECT x.id FROM (${selectedHosts('h.id', 'hosts h')}) x ORDER BY x.id`, [hostIds, labelIds]);
    return rows.map((r) => r.id);
  }
}
