// fleetctl's YAML documents (spec rest-api.md §16.2): reading a file of `---`-separated
// documents (or `get --json` output, one JSON object a line) into specs grouped by kind, and
// printing specs as documents for `get` and `convert`.
import { readFile } from 'node:fs/promises';
import { parseDocument, stringify } from 'yaml';
import { CliError } from './errors';
import type { Io } from './runtime';
import { isMapping, specProblem } from './spec-shapes';

export const KINDS = ['query', 'label', 'pack', 'options', 'config', 'enroll_secret', 'host'] as const;
export type Kind = (typeof KINDS)[number];

export type Spec = Record<string, unknown>;

/** One document of a file, where it came from, and its checked spec. */
export interface SpecDoc {
  kind: Kind;
  spec: Spec;
  /** 1-based position among the file's non-empty documents. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
}

/** A file's documents by kind, in file order; at most one options and one config document. */
export interface SpecGroup {
  queries: SpecDoc[];
  labels: SpecDoc[];
  packs: SpecDoc[];
  options?: SpecDoc;
  config?: SpecDoc;
  /** Several enroll_secret documents: the last one wins. */
  enrollSecret?: SpecDoc;
  /** `get hosts` output: hosts are enrolled by osquery, so these are only counted. */
  hosts: SpecDoc[];
}

/** An error about one document of a file, e.g. `packs.yml: document 3 (line 14): unknown kind "pak"`. */
export class DocumentError extends CliError {
  constructor(file: string, index: number, line: number, problem: string) {
    super(`${file}: document ${index} (line ${line}): ${problem}`);
  }
}

/** The text of `-f <path>`; `-` reads standard input. The name is what errors call the file. */
export async function readSpecFile(path: string, io: Io): Promise<{ name: string; text: string }> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return { name: 'stdin', text: Buffer.concat(chunks).toString('utf8') };
  }
  try {
    return { name: path, text: await readFile(path, 'utf8') };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

/** Parses and checks every document of a file before anything is sent to a server. */
export function parseSpecFile(text: string, file: string): SpecGroup {
  const group: SpecGroup = { queries: [], labels: [], packs: [], hosts: [] };
  for (const raw of parseDocuments(text, file)) {
    const doc = checkDocument(raw, file);
    const fail = (problem: string) => new DocumentError(file, doc.index, doc.line, problem);
    switch (doc.kind) {
      case 'query':
        group.queries.push(doc);
        break;
      case 'label':
        group.labels.push(doc);
        break;
      case 'pack':
        group.packs.push(doc);
        break;
      case 'options':
        if (group.options) throw fail('options defined twice in the same file');
        group.options = doc;
        break;
      case 'config':
        if (group.config) throw fail('config defined twice in the same file');
        group.config = doc;
        break;
      case 'enroll_secret':
        group.enrollSecret = doc;
        break;
      case 'host':
        group.hosts.push(doc);
        break;
    }
  }
  return group;
}

export interface RawDocument {
  value: unknown;
  index: number;
  line: number;
}

/**
 * The non-empty documents of a file. Documents are separated by lines starting with `---`
 * (Fleet splits on those lines, so each document is parsed on its own); a stretch of lines
 * that are each a JSON object is one document per line (`get --json` output).
 */
export function parseDocuments(text: string, file: string): RawDocument[] {
  const docs: RawDocument[] = [];
  for (const chunk of splitChunks(text)) {
    const jsonLines = asJsonLines(chunk);
    if (jsonLines) {
      for (const { line, source } of jsonLines) {
        const index = docs.length + 1;
        try {
          docs.push({ value: JSON.parse(source), index, line });
        } catch (err) {
          throw new DocumentError(file, index, line, `invalid JSON: ${(err as Error).message.replace(/, "[\s\S]*" is not valid JSON$/, '')}`);
        }
      }
      continue;
    }
    const doc = parseDocument(chunk.text, { prettyErrors: false, uniqueKeys: true });
    const index = docs.length + 1;
    const error = doc.errors[0];
    if (error) {
      const line = chunk.firstLine + lineOf(chunk.text, error.pos[0]);
      throw new DocumentError(file, index, line, `invalid YAML: ${error.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      throw new DocumentError(file, index, chunk.firstLine, `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    // Only comments, blank lines or a bare `---`: not a document (Fleet skips these too).
    if (value === null || value === undefined || doc.contents === null) continue;
    docs.push({ value, index, line: chunk.firstLine + lineOf(chunk.text, doc.contents.range[0]) });
  }
  return docs;
}

interface Chunk {
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  firstLine: number;
}

const SEPARATOR = /^---(?:[ \t].*)?$/;

/** Cuts the file before every separator line; the separator stays with the document it opens. */
function splitChunks(text: string): Chunk[] {
  const lines = text.split('\n');
  const chunks: Chunk[] = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i++) {
    if (i === lines.length || SEPARATOR.test(lines[i]!.replace(/\r$/, ''))) {
      chunks.push({ text: lines.slice(start, i).join('\n'), firstLine: start + 1 });
      start = i;
    }
  }
  return chunks;
}

/** The lines of a chunk when it holds two or more lines that each look like one JSON object. */
function asJsonLines(chunk: Chunk): Array<{ line: number; source: string }> | undefined {
  const lines = chunk.text
    .split('\n')
    .map((source, i) => ({ line: chunk.firstLine + i, source: source.trim() }))
    .filter(({ source }) => source !== '' && !SEPARATOR.test(source));
  if (lines.length < 2 || !lines.every(({ source }) => source.startsWith('{') && source.endsWith('}'))) return undefined;
  return lines;
}

/** 0-based line of an offset in `text`. */
function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The document shape (`kind`, `spec`) and the spec's own shape for its kind. */
function checkDocument(raw: RawDocument, file: string): SpecDoc {
  const fail = (problem: string) => new DocumentError(file, raw.index, raw.line, problem);
  if (!isMapping(raw.value)) throw fail('a document must be a mapping with apiVersion, kind and spec');
  const { kind: rawKind, spec } = raw.value;
  const kindText = rawKind === undefined || rawKind === null ? '' : String(rawKind);
  if (spec === undefined || spec === null) throw fail(`no spec field on "${kindText}" document`);
  const kind = kindText.toLowerCase();
  if (!(KINDS as readonly string[]).includes(kind)) throw fail(`unknown kind "${kindText}"`);
  if (!isMapping(spec)) throw fail(`the spec of a "${kind}" document must be a mapping`);
  const problem = specProblem(kind as Kind, spec);
  if (problem) throw fail(problem);
  return { kind: kind as Kind, spec, index: raw.index, line: raw.line };
}

/** A document as `get` prints it. */
export interface OutDoc {
  kind: Kind;
  spec: unknown;
}

/** Each document preceded by `---`; strings are never folded so SQL stays on its lines. */
export function yamlDocuments(docs: OutDoc[]): string {
  return docs.map(({ kind, spec }) => `---\n${stringify({ apiVersion: 'v1', kind, spec }, { lineWidth: 0 })}`).join('');
}

/** One JSON object a line. */
export function jsonDocuments(docs: OutDoc[]): string {
  return docs.map(({ kind, spec }) => `${JSON.stringify({ apiVersion: 'v1', kind, spec })}\n`).join('');
}
