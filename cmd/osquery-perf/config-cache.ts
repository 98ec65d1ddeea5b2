// The config hash osquery reports (sha1 of the config as applied), and a small memo from
// a /config response's text to its parsed object and hash: every agent of a fleet usually
// receives the same text every refresh, so it is hashed once per distinct text rather
// than once per agent per refresh. The cached object is shared and never mutated.
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

export function configHash(config: Json): string {
  return createHash('sha1').update(JSON.stringify(config)).digest('hex');
}

/** A few distinct configs at a time (e.g. per platform or team); more just recompute. */
const MAX_ENTRIES = 16;
const memo = new Map<string, { config: Json; hash: string }>();

/** `parsed` is `text` already parsed; returned as is on a miss, the first object seen for that text on a hit. */
export function parsedConfig(text: string, parsed: Json): { config: Json; hash: string } {
  const hit = memo.get(text);
  if (hit) return hit;
  const entry = { config: parsed, hash: configHash(parsed) };
  if (memo.size >= MAX_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(text, entry);
  return entry;
}
