// `fleetctl query`: run a live query on hosts and labels picked by name and stream the
// answers (spec rest-api.md §16.3, osquery §9.5).
import { InvalidArgumentError, type Command } from 'commander';
import { API, type FleetClient } from '../client';
import { ApiError, CliError } from '../errors';
import { parseGoDuration } from '../duration';
import { watchCampaign } from '../live-query-watch';
import { Runtime, type Io } from '../runtime';

interface QueryOptions {
  hosts?: string;
  labels?: string;
  query?: string;
  queryName?: string;
  quiet?: boolean;
  exit?: boolean;
  timeout?: number;
  pretty?: boolean;
}

export function registerQuery(program: Command, io: Io): void {
  program
    .command('query')
    .description('Run a live query')
    .option('--hosts <names>', 'comma separated hostnames to target')
    .option('--labels <names>', 'comma separated label names to target')
    .option('--query <sql>', 'query to run')
    .option('--query-name <name>', 'name of saved query to run')
    .option('--quiet', 'only print results (no status information)')
    .option('--exit', 'exit when 100% of online hosts have results returned')
    .option('--timeout <duration>', 'how long to run query before exiting (10s, 1h, etc.)', parseTimeout)
    .option('--pretty', "print each host's rows as a table instead of JSON")
    .action(async (opts: QueryOptions, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      const hosts = splitNames(opts.hosts);
      const labels = splitNames(opts.labels);
      // Checked before any request, so a typo costs no round trip (and no campaign).
      if (hosts.length === 0 && labels.length === 0) throw new CliError('No hosts or labels targeted');
      if (opts.query && opts.queryName) throw new CliError('--query and --query-name must not be provided together');
      if (!opts.query && !opts.queryName) throw new CliError('Query must be specified with --query or --query-name');

      await rt.withClient(async (client) => {
        const sql = opts.queryName ? await savedQuerySql(client, opts.queryName) : opts.query!;
        if (!sql) throw new CliError('Query must be specified with --query or --query-name');
        const res = await client.request<{ campaign: { id: number } }>('POST', `${API}/queries/run_by_names`, {
          query: sql,
          selected: { hosts, labels },
        });
        await watchCampaign(client, res.campaign.id, io, {
          quiet: Boolean(opts.quiet),
          exit: Boolean(opts.exit),
          timeoutMs: opts.timeout ?? 0,
          pretty: Boolean(opts.pretty),
          debug: rt.globals.debug ? (line) => rt.err(`[debug] ${line}`) : undefined,
        });
      });
    });
}

/** "a,,b, " → ["a", "b"]: Fleet would send the empty names, which can only match nothing. */
function splitNames(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseTimeout(value: string): number {
  try {
    return parseGoDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

async function savedQuerySql(client: FleetClient, name: string): Promise<string> {
  try {
    const res = await client.request<{ specs: { query?: string } }>('GET', `${API}/spec/queries/${encodeURIComponent(name)}`);
    return res.specs?.query ?? '';
  } catch (err) {
    // Only "no such query" is reworded; a bad token or a server error keeps its own message.
    if (err instanceof ApiError && err.status === 404) throw new CliError(`Query '${name}' not found`);
    throw err;
  }
}
