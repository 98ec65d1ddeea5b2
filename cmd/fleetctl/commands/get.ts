// `fleetctl get …`: lists and shows resources as tables, or as YAML/JSON documents that
// `fleetctl apply -f` takes back unchanged (spec rest-api.md §16.3).
import type { Command } from 'commander';
import type { FleetClient } from '../client';
import { API } from '../client';
import { CliError } from '../errors';
import { Runtime, type Io } from '../runtime';
import { registerGetCarves } from './get-carves';
import { renderTable } from '../table';
import { jsonDocuments, yamlDocuments, type Kind, type OutDoc } from '../yaml-docs';

interface FormatOptions {
  yaml?: boolean;
  json?: boolean;
  /** `get packs` only. */
  withQueries?: boolean;
}

type Spec = Record<string, any>;

export function registerGet(program: Command, io: Io): void {
  const get = program.command('get').description('Get/list resources');

  /** A `get` subcommand with --yaml/--json, run with a client. */
  const sub = (name: string, aliases: string[], description: string, arg?: string) => {
    const cmd = get.command(name).aliases(aliases).description(description);
    if (arg) cmd.argument(arg);
    return cmd.option('--yaml', 'print YAML documents (for fleetctl apply -f)').option('--json', 'print JSON documents, one a line');
  };
  const run =
    <A extends unknown[]>(fn: (out: Output, client: FleetClient, ...args: A) => Promise<void>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const rt = Runtime.fromCommand(io, cmd);
      const out = new Output(rt, cmd.opts() as FormatOptions);
      await rt.withClient((client) => fn(out, client, ...(args.slice(0, -2) as A)));
    };

  sub('queries', ['query', 'q'], 'List saved queries, or show one by name', '[name]').action(
    run(async (out, client, name?: string) => {
      if (name) return out.docs([{ kind: 'query', spec: await getSpec(client, 'queries', name) }]);
      const specs: Spec[] = (await client.request('GET', `${API}/spec/queries`)).specs ?? [];
      out.list('query', specs, 'queries', ['name', 'description', 'query'], (q) => [q.name, q.description ?? '', q.query]);
    }),
  );

  sub('packs', ['pack', 'p'], 'List packs, or show one by name', '[name]')
    .option('--with-queries', 'with --yaml/--json (or a name): also print the queries the packs schedule')
    .action(
      run(async (out, client, name?: string) => {
        const packs: Spec[] = name ? [await getSpec(client, 'packs', name)] : ((await client.request('GET', `${API}/spec/packs`)).specs ?? []);
        if (!name && out.format === 'table') {
          return out.list('pack', packs, 'packs', ['name', 'platform', 'description'], (p) => [p.name, p.platform ?? '', p.description ?? '']);
        }
        const docs: OutDoc[] = packs.map((spec) => ({ kind: 'pack', spec }));
        if (out.opts.withQueries) docs.push(...(await scheduledQueryDocs(client, packs)));
        if (docs.length === 0) out.note('No packs found');
        out.docs(docs);
      }),
    );

  sub('labels', ['label', 'l'], 'List labels, or show one by name', '[name]').action(
    run(async (out, client, name?: string) => {
      if (name) return out.docs([{ kind: 'label', spec: await getSpec(client, 'labels', name) }]);
      const specs: Spec[] = (await client.request('GET', `${API}/spec/labels`)).specs ?? [];
      out.list('label', specs, 'labels', ['name', 'platform', 'description', 'query'], (l) => [l.name, l.platform ?? '', l.description ?? '', l.query ?? '']);
    }),
  );

  sub('options', [], 'Show the osquery options (agent configuration)').action(
    run(async (out, client) => {
      out.docs([{ kind: 'options', spec: (await client.request('GET', `${API}/spec/osquery_options`)).spec }]);
    }),
  );

  sub('enroll_secret', ['enroll_secrets', 'enroll-secret', 'enroll-secrets'], 'Show the osquery enroll secrets, or the value of one', '[name]').action(
    run(async (out, client, name?: string) => {
      const spec: { secrets: Array<{ name: string; secret: string }> | null } = (await client.request('GET', `${API}/spec/enroll_secret`)).specs ?? {
        secrets: null,
      };
      if (!name) return out.docs([{ kind: 'enroll_secret', spec }]);
      const secret = (spec.secrets ?? []).find((s) => s.name === name);
      if (!secret) throw new CliError(`no enroll secret named "${name}"`);
      out.rt.out(secret.secret); // just the value, for scripts
    }),
  );

  sub('config', [], 'Show the Fleet app configuration').action(
    run(async (out, client) => {
      out.docs([{ kind: 'config', spec: await client.request('GET', `${API}/config`) }]);
    }),
  );

  sub('hosts', ['host', 'h'], 'List hosts, or show one by hostname, uuid or osquery identifier', '[identifier]').action(
    run(async (out, client, identifier?: string) => {
      if (identifier) {
        const { host } = await client.request('GET', `${API}/hosts/identifier/${encodeURIComponent(identifier)}`);
        return out.docs([{ kind: 'host', spec: host }]);
      }
      const hosts: Spec[] = (await client.request('GET', `${API}/hosts`)).hosts ?? [];
      out.list('host', hosts, 'hosts', ['uuid', 'hostname', 'platform', 'osquery_version', 'status'], (h) => [
        h.uuid,
        h.hostname,
        h.platform,
        h.osquery_version,
        h.status,
      ]);
    }),
  );
  registerGetCarves(get, io);
}

/** Writes what `get` prints, honouring --yaml/--json. */
class Output {
  readonly format: 'table' | 'yaml' | 'json';

  constructor(
    readonly rt: Runtime,
    readonly opts: FormatOptions,
  ) {
    if (opts.yaml && opts.json) throw new CliError('--yaml and --json cannot be used together');
    this.format = opts.json ? 'json' : opts.yaml ? 'yaml' : 'table';
  }

  /** Documents; a single resource has no table form, so it is YAML unless --json. */
  docs(docs: OutDoc[]): void {
    if (docs.length === 0) return;
    this.rt.io.stdout.write(this.format === 'json' ? jsonDocuments(docs) : yamlDocuments(docs));
  }

  /** A list: a table by default, documents with --yaml/--json. */
  list(kind: Kind, items: Spec[], plural: string, headers: string[], row: (item: Spec) => string[]): void {
    if (items.length === 0) return this.note(`No ${plural} found`);
    if (this.format === 'table') return this.rt.out(renderTable(headers, items.map((i) => row(i).map((c) => String(c ?? '')))));
    this.docs(items.map((spec) => ({ kind, spec })));
  }

  /** Said on stdout for tables; on stderr for documents, so piping into `apply` still works. */
  note(text: string): void {
    if (this.format === 'table') this.rt.out(text);
    else this.rt.err(text);
  }
}

async function getSpec(client: FleetClient, resource: 'queries' | 'packs' | 'labels', name: string): Promise<Spec> {
  return (await client.request('GET', `${API}/spec/${resource}/${encodeURIComponent(name)}`)).specs;
}

/** The saved queries the packs schedule, each once, in the order the packs name them. */
async function scheduledQueryDocs(client: FleetClient, packs: Spec[]): Promise<OutDoc[]> {
  const wanted = new Set<string>(packs.flatMap((p) => (p.queries ?? []).map((q: Spec) => q.query as string)));
  if (wanted.size === 0) return [];
  const all: Spec[] = (await client.request('GET', `${API}/spec/queries`)).specs ?? [];
  const byName = new Map(all.map((q) => [q.name as string, q]));
  return [...wanted].filter((n) => byName.has(n)).map((n) => ({ kind: 'query', spec: byName.get(n) }));
}
