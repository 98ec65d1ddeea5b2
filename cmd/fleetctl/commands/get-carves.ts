// `fleetctl get carves` and `get carve <id>` (3.3+): list file carves, show one, or download
// its blocks in order.
import { createWriteStream, openSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { FleetClient } from '../client';
import { API } from '../client';
import { CliError } from '../errors';
import { Runtime, type Io } from '../runtime';
import { renderTable } from '../table';
/** A carve as the REST API returns it. */
type Spec = Record<string, any>;

export function registerGetCarves(get: Command, io: Io): void {
  get
    .command('carves')
    .description('List file carves')
    .option('--expired', 'include expired carves')
    .action(async (opts: { expired?: boolean }, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      const carves: Spec[] = await rt.withClient(async (client) => (await client.request('GET', `${API}/carves${opts.expired ? '?expired=1' : ''}`)).carves ?? []);
      if (carves.length === 0) return rt.out('No carves found');
      const rows = carves.map((c) => [String(c.id), String(c.created_at), c.request_id, String(c.carve_size), completion(c)]);
      rt.out(renderTable(['id', 'created_at', 'request_id', 'carve_size', 'completion'], rows));
    });

  get
    .command('carve')
    .description('Show a file carve, or download its contents with --outfile or --stdout')
    .argument('<id>')
    .option('--outfile <path>', 'write the carved data (a tar archive) to this file')
    .option('--stdout', 'write the carved data to standard output')
    .action(async (idText: string, opts: { outfile?: string; stdout?: boolean }, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      if (!/^\d+$/.test(idText)) throw new CliError(`carve id must be a number, got "${idText}"`);
      if (opts.outfile && opts.stdout) throw new CliError('--outfile and --stdout cannot be used together');
      await rt.withClient(async (client) => {
        const { carve } = await client.request('GET', `${API}/carves/${idText}`);
        // A carve is not something to apply, so it is printed as plain YAML, not as a document.
        if (!opts.outfile && !opts.stdout) return rt.out(`---\n${stringify(carve, { lineWidth: 0 })}`);
        assertDownloadable(carve);
        if (opts.stdout) return downloadCarve(client, carve, io.stdout);
        const file = createWriteStream('', { fd: openOutfile(opts.outfile!) });
        try {
          await downloadCarve(client, carve, file);
        } finally {
          await new Promise<void>((resolve) => file.end(resolve));
        }
        rt.err(`[+] wrote carve ${carve.id} to ${opts.outfile}`);
      });
    });
}

function completion(c: Spec): string {
  if (c.expired) return 'Expired';
  if (!c.block_count) return '0%';
  return `${Math.floor(((c.max_block + 1) / c.block_count) * 100)}%`;
}

/** Refuses, before any file is created, carves whose data cannot be complete. */
function assertDownloadable(carve: Spec): void {
  if (carve.expired) throw new CliError(`carve ${carve.id} has expired: its data is gone`);
  if (carve.max_block < carve.block_count - 1) {
    throw new CliError(`carve ${carve.id} is not complete yet: ${carve.max_block + 1} of ${carve.block_count} blocks received`);
  }
}

/** Opened before downloading so a bad path fails at once; carved files may be sensitive (0600). */
function openOutfile(path: string): number {
  try {
    return openSync(path, 'w', 0o600);
  } catch (err) {
    throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** Fetches blocks 0..block_count-1 in order, cut at carve_size (agents may pad the last block). */
async function downloadCarve(client: FleetClient, carve: Spec, sink: NodeJS.WritableStream): Promise<void> {
  let remaining = Number(carve.carve_size);
  for (let block = 0; block < carve.block_count && remaining > 0; block++) {
    const { data } = await client.request('GET', `${API}/carves/${carve.id}/block/${block}`);
    const bytes = Buffer.from(String(data ?? ''), 'base64').subarray(0, remaining);
    remaining -= bytes.length;
    if (!sink.write(bytes)) await new Promise((resolve) => sink.once('drain', resolve));
  }
}
