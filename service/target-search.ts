/** How many hosts and labels a target search shows by default (short or empty text). */
export const DEFAULT_TARGET_LIMIT = 5;
/** How many hosts and labels a real target search shows (plus "All Hosts"). */
export const SEARCH_TARGET_LIMIT = 10;

export interface TargetSearchTerms {
  /** Words to prefix-match; empty means "show the defaults". */
  terms: string[];
  /** The trimmed text, matched exactly against primary IP and MAC. */
  raw: string;
}

/**
 * Fleet's full-text emulation (3.2.0 datastore/mysql/fulltext.go): runs of `-`/`+` become
 * spaces, the text is trimmed and a `*` is appended to its last word. When the longest
 * space-separated word (the last one counting its `*`) is shorter than 3 characters the
 * search is not run and the default lists are shown instead: so `""`, `a`, `a b` show
 * defaults while `ab` or `a bb` search.
 */
export function targetSearchTerms(query: string): TargetSearchTerms {
  const raw = query.trim();
  const normalised = query.replace(/[-+]+/g, ' ').trim();
  if (normalised === '') return { terms: [], raw };
  const words = `${normalised}*`.split(' ');
  const longest = Math.max(...words.map((w) => w.length));
  if (longest < 3) return { terms: [], raw };
  return { terms: normalised.split(/\s+/).filter((w) => w !== ''), raw };
}
