/**
 * Throughput of the filesystem osquery log writer: lines/s through FilesystemLogWriter
 * (every write fdatasync'ed before it resolves, concurrent writes sharing syncs) next to a
 * baseline of plain fs.appendFile with no fsync at all, in the same run. A third row,
 * append + fdatasync per request with no grouping, shows what group commit saves.
 * Each "request" is one /log body of LINES_PER_REQUEST lines, as osquery sends them.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FilesystemLogWriter } from '../../internal/logwriter/filesystem-writer';
import { splitJsonArrayElements } from '../../internal/logwriter/split-json-array';
import { recordResult } from './results';

const LINES_PER_REQUEST = 50;
const ROUNDS = 5;

interface RunResult {
  linesPerSecond: number;
  seconds: number;
  bytes: number;
  syncs: number | undefined;
}

interface Row {
  mode: string;
  concurrency: number;
  lines: number;
  lines_per_s: number;
  vs_baseline: number;
  fsyncs: number;
  mb: number;
}

function median(results: RunResult[]): RunResult {
  return [...results].sort((a, b) => a.linesPerSecond - b.linesPerSecond)[Math.floor(results.length / 2)]!;
}
const FIXTURE = resolve(__dirname, '../fixtures/osquery-requests/log-result-event.json');

interface Case {
  mode: string;
  concurrency: number;
  requests: number;
}

type Sink = { write(lines: string[]): Promise<void>; close(): Promise<void>; syncs?: () => number };

/** Real result lines from the fixture, repeated to fill a request. */
function requestLines(): string[] {
  const body = JSON.stringify(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  const lines = splitJsonArrayElements(body, 'data')!;
  return Array.from({ length: LINES_PER_REQUEST }, (_, i) => lines[i % lines.length]!);
}

async function sinkFor(mode: string, path: string): Promise<Sink> {
  if (mode === 'appendFile, no fsync (baseline)') {
    return { write: (lines) => appendFile(path, lines.join('\n') + '\n'), close: async () => undefined };
  }
  if (mode === 'append + fdatasync per request') {
    const fh = await open(path, 'a', 0o600);
    let syncs = 0;
    return {
      write: async (lines) => {
        await fh.write(lines.join('\n') + '\n');
        syncs++;
        await fh.datasync();
      },
      close: () => fh.close(),
      syncs: () => syncs,
    };
  }
  const writer = await FilesystemLogWriter.open(path);
  return { write: (lines) => writer.write(lines), close: () => writer.close(), syncs: () => writer.stats.syncs };
}

async function run(c: Case, dir: string, lines: string[]): Promise<RunResult> {
  const path = join(dir, `${c.mode.replace(/\W+/g, '-')}-${c.concurrency}`);
  const sink = await sinkFor(c.mode, path);
  let next = 0;
  const t0 = process.hrtime.bigint();
  // `concurrency` agents, each sending its next request when the previous one is answered.
  await Promise.all(
    Array.from({ length: c.concurrency }, async () => {
      while (next++ < c.requests) await sink.write(lines);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await sink.close();
  const bytes = statSync(path).size;
  rmSync(path);
  const total = c.requests * LINES_PER_REQUEST;
  return { linesPerSecond: total / seconds, seconds, bytes, syncs: sink.syncs?.() };
}

test('filesystem log writer throughput vs plain appendFile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-logwriter-bench-'));
  const lines = requestLines();
  const modes = ['appendFile, no fsync (baseline)', 'FilesystemLogWriter (fdatasync, group commit)', 'append + fdatasync per request'];
  const rows: Row[] = [];
  for (const concurrency of [1, 64]) {
    const requests = concurrency === 1 ? 400 : 4000;
    for (const mode of modes) await run({ mode, concurrency, requests: 20 }, dir, lines); // warm up
    // Rounds interleave the modes, in a rotating order, so a noisy moment (or the journal
    // flushing the previous run's dirty pages) does not always hit the same mode; the median is kept.
    const results = new Map<string, RunResult[]>(modes.map((m) => [m, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(round + k) % modes.length]!;
        results.get(mode)!.push(await run({ mode, concurrency, requests }, dir, lines));
      }
    }
    const baseline = median(results.get(modes[0]!)!).linesPerSecond;
    for (const mode of modes) {
      const r = median(results.get(mode)!);
      rows.push({
        mode,
        concurrency,
        lines: requests * LINES_PER_REQUEST,
        lines_per_s: Math.round(r.linesPerSecond),
        vs_baseline: +(r.linesPerSecond / baseline).toFixed(3),
        fsyncs: r.syncs ?? 0,
        mb: +(r.bytes / 1e6).toFixed(1),
      });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.table(rows);
  recordResult('logwriter', rows);

  // Goals: with agents overlapping, one fsync serves many requests, and durability costs
  // well under an order of magnitude against not syncing at all.
  const grouped = rows.find((r) => r.concurrency === 64 && r.mode === modes[1])!;
  expect(grouped.fsyncs).toBeLessThan(4000 / 10);
  expect(grouped.vs_baseline).toBeGreaterThan(0.3);
});
