// `fleetctl delete -f FILE`: deletes the queries, packs and labels a file of YAML documents
// names (spec rest-api.md §16.3); other kinds in the file are ignored.
import type { Command } from 'commander';
import { API } from '../client';
import { CliError, describeErrorBody } from '../errors';
import { Runtime, type Io } from '../runtime';
import { parseSpecFile, readSpecFile, type SpecDoc } from '../yaml-docs';

export function registerDelete(program: Command, io: Io): void {
  program
    .command('delete')
    .description('Delete the queries, packs and labels named in a file of YAML documents')
    .requiredOption('-f, --file <path>', 'the file naming what to delete (- reads standard input)')
    .action(async (opts: { file: string }, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      const { name, text } = await readSpecFile(opts.file, io);
      const group = parseSpecFile(text, name);
      // Fleet's order: queries first, so packs lose their scheduled queries before they go.
      const targets: Array<[string, string, SpecDoc[]]> = [
        ['query', 'queries', group.queries],
        ['pack', 'packs', group.packs],
        ['label', 'labels', group.labels],
      ];
      if (targets.every(([, , docs]) => docs.length === 0)) {
        rt.err(`[!] nothing to delete in ${name}: only queries, packs and labels can be deleted`);
        return;
      }
      await rt.withClient(async (client) => {
        for (const [kind, resource, docs] of targets) {
          for (const doc of docs) {
            const docName = String(doc.spec.name);
            const res = await client.raw('DELETE', `${API}/${resource}/${encodeURIComponent(docName)}`);
            if (res.status === 404) {
              rt.out(`[!] ${kind} "${docName}" doesn't exist`);
            } else if (res.status >= 200 && res.status < 300) {
              rt.out(`[+] deleted ${kind} "${docName}"`);
            } else {
              throw new CliError(`deleting ${kind} "${docName}": ${describeErrorBody(res.body, res.status)}`);
            }
          }
        }
      });
    });
}
