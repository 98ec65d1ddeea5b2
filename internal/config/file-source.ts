// Reads a YAML config file whose layout mirrors the dotted keys (server: {address: ...}).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from './config-error';
import { dottedNames } from './names';
import type { RawValues, SourceResult } from './raw-value';
import { SETTINGS } from './settings';

export function readConfigFile(path: string): SourceResult {
  return readConfigText(readText(path), path);
}

/** Parses YAML text; `path` only names the file in messages. */
export function readConfigText(text: string, path: string): SourceResult {
  const doc = parseYaml(text, path);
  const leaves = flatten(doc, '', path);
  const values: RawValues = new Map();
  const used = new Set<string>();
  for (const setting of SETTINGS) {
    for (const dotted of dottedNames(setting)) {
      if (!leaves.has(dotted)) continue;
      used.add(dotted);
      const raw = leaves.get(dotted);
      // A bare `key:` is null in YAML: treat it as not set rather than as a bad value.
      if (raw === null || values.has(setting)) continue;
      values.set(setting, { raw, origin: `config file ${path} key ${dotted}` });
    }
  }
  // Fleet files carry keys we do not use (mysql.*, filesystem.*): warn, do not fail.
  const warnings = [...leaves.keys()]
    .filter((k) => !used.has(k))
    .map((k) => `config file ${path}: unknown key ${k} ignored`);
  return { values, warnings };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
}

function parseYaml(text: string, path: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isMapping(doc)) throw new ConfigError(`config file ${path} must be a YAML mapping of sections`);
  return doc;
}

const KEYS = new Set(SETTINGS.flatMap((s) => dottedNames(s)));
const SECTIONS = new Set([...KEYS].filter((k) => k.includes('.')).map((k) => k.split('.')[0]!));

/** Flattens nested mappings to dotted keys; a known section that is not a mapping is an error. */
function flatten(node: Record<string, unknown>, prefix: string, path: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(node)) {
    const dotted = prefix + key;
    const isSection = prefix === '' && SECTIONS.has(key);
    if (isSection && value === null) continue; // an empty `server:` section
    if (isMapping(value) && !KEYS.has(dotted)) {
      for (const [k, v] of flatten(value, `${dotted}.`, path)) out.set(k, v);
    } else if (isSection) {
      throw new ConfigError(`config file ${path} key ${dotted} must be a mapping (e.g. ${dotted}: {key: value})`);
    } else {
      out.set(dotted, value); // a mapping under a known key fails later as a bad value
    }
  }
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
