// `fleetctl convert -f pack.conf`: turns an osquery pack into YAML documents for `apply`.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { convertPack, PackFormatError } from '../convert-pack';
import { CliError } from '../errors';
import { Runtime, type Io } from '../runtime';
import { yamlDocuments, type OutDoc } from '../yaml-docs';

export function registerConvert(program: Command, io: Io): void {
  program
    .command('convert')
    .description('Convert an osquery pack (JSON) into a Fleet pack and its queries as YAML documents')
    .requiredOption('-f, --file <path>', 'the osquery pack file; the Fleet pack is named after it')
    .action(async (opts: { file: string }, cmd: Command) => {
      const rt = Runtime.fromCommand(io, cmd);
      // The pack takes its name from the file, so standard input has nothing to name it by.
      if (opts.file === '-') throw new CliError('convert needs a pack file: the pack is named after the file');
      let text: string;
      try {
        text = await readFile(opts.file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${opts.file}: ${(err as Error).message}`);
      }
      const name = basename(opts.file, extname(opts.file));
      let converted;
      try {
        converted = convertPack(text, name);
      } catch (err) {
        if (err instanceof PackFormatError) throw new CliError(`${opts.file}: ${err.message}`);
        throw err;
      }
      const docs: OutDoc[] = [{ kind: 'pack', spec: converted.pack }, ...converted.queries.map((spec): OutDoc => ({ kind: 'query', spec }))];
      rt.io.stdout.write(yamlDocuments(docs));
    });
}
