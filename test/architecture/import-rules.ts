// The layering rules of ARCHITECTURE.md as data, and a checker that reports file:line.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { preProcessFile } from 'typescript';

export const REPO_ROOT = resolve(__dirname, '../..');

/** Packages that bring HTTP, sockets or the ORM into code that must not know them. */
const FORBIDDEN_PACKAGES = ['express', 'ws', 'sockjs', 'sockjs-client', 'typeorm', 'pg'];
/** Our top-level folders that the inner layers must not reach into. */
const FORBIDDEN_FOLDERS = ['transport', 'datastore', 'cmd'];

export interface Violation {
  file: string; // relative to the repo root, '/'-separated
  line: number;
  specifier: string;
  reason: string;
}

export interface ImportRef {
  specifier: string;
  line: number;
}

/** Every import, export-from, require() and import() in a source, with its line. */
export function importsOf(source: string): ImportRef[] {
  const info = preProcessFile(source, true, true);
  return info.importedFiles.map((f) => ({ specifier: f.fileName, line: lineAt(source, f.pos) }));
}

function lineAt(source: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** The rules for one file given as repo-relative path and text; [] when it is clean. */
export function checkFile(file: string, source: string): Violation[] {
  const layer = file.split('/')[0];
  const violations: Violation[] = [];
  for (const { specifier, line } of importsOf(source)) {
    const reason = ruleBroken(file, layer, specifier);
    if (reason !== undefined) violations.push({ file, line, specifier, reason });
  }
  return violations;
}

function ruleBroken(file: string, layer: string | undefined, specifier: string): string | undefined {
  if (specifier.startsWith('.')) {
    const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), specifier)).split(sep).join('/');
    const top = target.split('/')[0]!;
    if (FORBIDDEN_FOLDERS.includes(top)) return `${layer}/ must not import from ${top}/ (resolves to ${target})`;
    if (layer === 'internal' && top === 'service') return `internal/ must not import from service/ (resolves to ${target})`;
    return undefined;
  }
  const pkg = packageName(specifier);
  if (FORBIDDEN_PACKAGES.includes(pkg)) return `${layer}/ must not depend on ${pkg}`;
  return undefined;
}

// "express/lib/router" -> "express", "@scope/pkg/x" -> "@scope/pkg", "node:fs" -> "node:fs".
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Repo-relative paths of every .ts file under the given top-level folders. */
export function tsFilesUnder(folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(join(REPO_ROOT, dir), { withFileTypes: true });
    } catch {
      return; // a folder not created yet
    }
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) out.push(path);
    }
  };
  folders.forEach(walk);
  return out.sort();
}

export function checkFolders(folders: readonly string[]): { files: string[]; violations: Violation[] } {
  const files = tsFilesUnder(folders);
  const violations = files.flatMap((f) => checkFile(f, readFileSync(join(REPO_ROOT, f), 'utf8')));
  return { files, violations };
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line}: imports '${v.specifier}': ${v.reason}`).join('\n');
}
