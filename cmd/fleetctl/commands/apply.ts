// `fleetctl apply -f FILE`: sends a file of YAML documents to the server, one call per kind
// (spec rest-api.md §16.2–16.3).
import type { Command } from 'commander';
import type { FleetClient } from '../client';
import { API } from '../client';
import { ApiError, CliError } from '../errors';
import { Runtime, type Io } from '../runtime';
import { DocumentError, parseSpecFile, readSpecFile, type SpecDoc, type SpecGroup } from '../yaml-docs';

export function registerApply(program: Command, io: Io): void {
  program
    .command('apply')
    .description('Apply a file of YAML documents (queries, labels, packs, options, config, enroll secrets)')
    .requiredOption('-f, --file <path>', 'the file to apply (- reads standard input)')
    .action(async (opts: { file: string }, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      const { name, text } = await readSpecFile(opts.file, io);
      // The whole file is checked before anything is sent.
      const group = parseSpecFile(text, name);
      if (group.hosts.length > 0) {
        rt.err(`[!] skipped ${plural(group.hosts.length, 'host document')}: hosts are enrolled by osquery, not applied`);
      }
      if (isEmpty(group)) {
        rt.err(`[!] nothing to apply in ${name}`);
        return;
      }
      await rt.withClient(async (client) => {
        await checkScheduledQueriesExist(client, group, name);
        for (const step of steps(group)) {
          try {
            await client.request(step.method, `${API}${step.path}`, step.body);
          } catch (err) {
            if (err instanceof ApiError) throw new CliError(`applying ${step.what}: ${err.message}${whereInFile(err, step.docs, name)}`);
            throw err;
          }
          rt.out(`[+] applied ${step.done}`);
        }
      });
    });
}

interface Step {
  what: string;
  /** The documents sent, in body order (the server names them `specs.<i>`). */
  docs: SpecDoc[];
  method: string;
  path: string;
  body: unknown;
  done: string;
}

/**
 * The calls, in Fleet's order: what a pack refers to (queries, labels) exists before the pack.
 * Counts read "1 queries" as Fleet's do, for scripts that match that output.
 */
function steps(g: SpecGroup): Step[] {
  const out: Step[] = [];
  const specs = (docs: SpecDoc[]) => docs.map((d) => d.spec);
  if (g.queries.length) out.push({ what: 'queries', method: 'POST', path: '/spec/queries', docs: g.queries, body: { specs: specs(g.queries) }, done: `${g.queries.length} queries` });
  if (g.labels.length) out.push({ what: 'labels', method: 'POST', path: '/spec/labels', docs: g.labels, body: { specs: specs(g.labels) }, done: `${g.labels.length} labels` });
  if (g.packs.length) out.push({ what: 'packs', method: 'POST', path: '/spec/packs', docs: g.packs, body: { specs: specs(g.packs) }, done: `${g.packs.length} packs` });
  if (g.options) out.push({ what: 'osquery options', method: 'POST', path: '/spec/osquery_options', docs: [g.options], body: { spec: g.options.spec }, done: 'osquery options' });
  if (g.config) out.push({ what: 'fleet config', method: 'PATCH', path: '/config', docs: [g.config], body: g.config.spec, done: 'fleet config' });
  if (g.enrollSecret) {
    out.push({ what: 'enroll secrets', method: 'POST', path: '/spec/enroll_secret', docs: [g.enrollSecret], body: { spec: g.enrollSecret.spec }, done: 'enroll secrets' });
  }
  return out;
}

/**
 * Applies are separate calls, so a pack naming a query that does not exist would fail only
 * after the file's queries and labels were already applied. Checking first keeps such a
 * file from being half-applied.
 */
async function checkScheduledQueriesExist(client: FleetClient, g: SpecGroup, file: string): Promise<void> {
  const inFile = new Set(g.queries.map((d) => d.spec.name as string));
  const refs = g.packs.flatMap((pack) => ((pack.spec.queries ?? []) as Array<{ query: string }>).map((q) => ({ pack, query: q.query })));
  const missing = refs.filter((r) => !inFile.has(r.query));
  if (missing.length === 0) return;
  const saved: Array<{ name: string }> = (await client.request('GET', `${API}/spec/queries`)).specs ?? [];
  const onServer = new Set(saved.map((q) => q.name));
  const unknown = missing.find((r) => !onServer.has(r.query));
  if (unknown) {
    const { pack } = unknown;
    throw new DocumentError(file, pack.index, pack.line, `pack "${pack.spec.name}" schedules unknown query "${unknown.query}" (not in this file nor on the server)`);
  }
}

/**
 * Points a server error at the document it is about: the server names the field
 * (`specs.3.queries.5.platform`), which for list kinds gives the document.
 */
function whereInFile(err: ApiError, docs: SpecDoc[], file: string): string {
  const field = (err.body as { errors?: Array<{ name?: unknown }> } | undefined)?.errors?.[0]?.name;
  if (typeof field !== 'string') return '';
  const listed = /^specs\.(\d+)(?:\.(.+))?$/.exec(field);
  const single = /^spec(?:\.(.+))?$/.exec(field);
  const doc = listed ? docs[Number(listed[1])] : single && docs.length === 1 ? docs[0] : undefined;
  if (!doc) return '';
  const path = listed ? listed[2] : single?.[1];
  return ` (${file}: document ${doc.index} (line ${doc.line})${path ? `, field ${path}` : ''})`;
}

function isEmpty(g: SpecGroup): boolean {
  return !g.queries.length && !g.labels.length && !g.packs.length && !g.options && !g.config && !g.enrollSecret;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
