// Follows one live-query campaign: prints each host's result as it arrives, keeps the
// progress line up to date and decides when to stop (all answered, --exit, --timeout, Ctrl-C).
import { API, type FleetClient } from './client';
import { CliError } from './errors';
import { ResultStream, type HostResult } from './live-query-stream';
import { CampaignTally, type Completion } from './live-query-tally';
import { ProgressLine, statusLine } from './progress';
import { rowsTable } from './rows-table';
import type { Io } from './runtime';

export interface WatchOptions {
  quiet: boolean;
  /** --exit: stop once every online host answered. */
  exit: boolean;
  /** --timeout in ms; 0 or less waits as long as it takes. */
  timeoutMs: number;
  pretty: boolean;
  debug?: (line: string) => void;
}

type Ending = Completion | 'timeout' | 'interrupted';

/** Exit status of a shell command killed by SIGINT; scripts can tell it from a failure. */
const INTERRUPTED_EXIT_CODE = 130;

export async function watchCampaign(client: FleetClient, campaignId: number, io: Io, opts: WatchOptions): Promise<void> {
  const tally = new CampaignTally();
  const progress = new ProgressLine(io.stderr, io.stderrIsTerminal && !opts.quiet);
  const draw = () => progress.show(statusLine(tally.snapshot()));

  let ending: Ending | null = null;
  let end!: (why: Ending) => void;
  const ended = new Promise<Ending>((resolve) => (end = resolve));
  const stop = (why: Ending) => {
    if (ending) return;
    ending = why;
    end(why);
  };
  const checkDone = () => {
    const done = tally.completion(opts.exit);
    if (done) stop(done);
  };

  const stream = new ResultStream(
    { url: resultStreamUrl(client), token: client.bearer, campaignId, tls: client.tlsOptions(), debug: opts.debug },
    {
      totals: (totals) => {
        if (ending) return;
        tally.onTotals(totals);
        draw();
        checkDone();
      },
      status: (status) => {
        if (ending) return;
        tally.onStatus(status);
        draw();
        checkDone();
      },
      result: (result) => {
        // Late results after the decision to stop are dropped: the caller has its answer.
        if (ending) return;
        tally.onResult();
        progress.clear();
        printResult(io, result, opts.pretty);
        draw();
        checkDone();
      },
    },
  );

  const timer = opts.timeoutMs > 0 ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
  const onSigint = () => stop('interrupted');
  process.on('SIGINT', onSigint);
  draw();
  try {
    const why = await Promise.race([ended, stream.ended.then(() => ended)]);
    progress.clear();
    if (why === 'interrupted') throw new CliError('interrupted', INTERRUPTED_EXIT_CODE);
    if (!opts.quiet) {
      io.stderr.write(`${statusLine(tally.snapshot())}\n`);
      if (why === 'timeout') io.stderr.write('Stopped by timeout\n');
    }
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSigint);
    progress.clear();
    // A clean close is what tells the server to complete the campaign and stop the query.
    await stream.close();
  }
}

/** ws(s):// twin of the API address, under the context's url-prefix. */
export function resultStreamUrl(client: FleetClient): URL {
  const url = client.url(`${API}/results/websocket`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

function printResult(io: Io, result: HostResult, pretty: boolean): void {
  const hostname = result.host?.hostname ?? '';
  if (result.error !== null && result.error !== undefined) {
    // A failed query still counts as an answer; it has no rows worth printing.
    io.stderr.write(`Query failed on host ${hostname}: ${result.error || 'no error message'}\n`);
    return;
  }
  const rows = result.rows ?? [];
  io.stdout.write(pretty ? rowsTable(hostname, rows) : `${JSON.stringify({ host: hostname, rows })}\n`);
}
