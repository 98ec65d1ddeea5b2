import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A word index for the target search (TargetsRepository.searchHosts). The search matches a
 * term at the start of a word of the hostname or uuid, or the raw text equal to the primary
 * IP or MAC; without an index a rare term (an IP, a full hostname) scanned all 100,000 hosts
 * (~115 ms idle, ~500 ms p95 under agent load; test/bench/targets-packs.bench.ts).
 *
 * No pg_trgm (PGlite does not load it): a GIN index over the words themselves, as a
 * tsvector built with array_to_tsvector (no text-search parser or dictionary, so a word is
 * exactly a run of ASCII letters and digits of the lower-cased text, the rule of
 * wordPrefixPattern). Runs are cut to 100 characters (MAX_INDEXED_WORD; a lexeme may not
 * exceed 2 KB, and a longer hostname word would otherwise fail the insert). The search asks
 * for its terms' runs as whole words or word prefixes (wordPrefixTsquery) and the regex
 * decides among the candidates, so the index only has to find a superset.
 *
 * The expression must stay identical to HOST_SEARCH_WORDS in targets.repository.ts, or the
 * planner will not use the index. Written only when one of the four columns changes (enroll,
 * detail updates that change them); ~21 MB at 110,000 hosts.
 */
export class HostSearchWords1772582400000 implements MigrationInterface {
  readonly name = 'HostSearchWords1772582400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX hosts_search_words_idx ON hosts USING gin (
        array_to_tsvector(array_remove(regexp_split_to_array(
          regexp_replace(lower(host_name || ' ' || uuid || ' ' || primary_ip || ' ' || primary_mac), '([a-z0-9]{100})[a-z0-9]+', '\\1', 'g'),
          '[^a-z0-9]+'), ''))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS hosts_search_words_idx`);
  }
}
