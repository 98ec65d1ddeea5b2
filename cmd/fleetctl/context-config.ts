// ~/.fleet/config: named contexts, each saying which server to talk to and as whom.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CliError } from './errors';

export interface Context {
  address?: string;
  email?: string;
  token?: string;
  'tls-skip-verify'?: boolean;
  rootca?: string;
  'url-prefix'?: string;
}

export const CONTEXT_KEYS = ['address', 'email', 'token', 'tls-skip-verify', 'rootca', 'url-prefix'] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export interface ConfigFile {
  contexts: Record<string, Context>;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONFIG || join(env.HOME || homedir(), '.fleet', 'config');
}

export function isContextKey(key: string): key is ContextKey {
  return (CONTEXT_KEYS as readonly string[]).includes(key);
}

/** The file's contexts; a missing file reads as one empty `default` context. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { contexts: { default: {} } };
    throw new CliError(`error reading config at ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new CliError(`error reading config at ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { contexts: { default: {} } };
  const contexts = (doc as { contexts?: unknown }).contexts;
  if (typeof doc !== 'object' || (contexts !== undefined && (typeof contexts !== 'object' || contexts === null || Array.isArray(contexts)))) {
    throw new CliError(`error reading config at ${path}: "contexts" must be a map of context names`);
  }
  return { contexts: { ...((contexts as Record<string, Context>) ?? { default: {} }) } };
}

/**
 * Writes atomically (temp file + rename) with mode 0600 in a 0700 directory: the file holds
 * session tokens.
 */
export function writeConfigFile(path: string, config: ConfigFile): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, stringify(config), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (err) {
    throw new CliError(`error saving config file ${path}: ${(err as Error).message}`);
  }
}

/** Reads the file, lets `edit` change one context (created when missing) and writes it back. */
export function updateContext(path: string, name: string, edit: (ctx: Context) => void): void {
  const config = readConfigFile(path);
  const ctx = { ...(config.contexts[name] ?? {}) };
  edit(ctx);
  config.contexts[name] = ctx;
  writeConfigFile(path, config);
}

export function readContext(path: string, name: string): Context {
  const ctx = readConfigFile(path).contexts[name];
  if (!ctx) throw new CliError(`context "${name}" is not found`);
  return ctx;
}
