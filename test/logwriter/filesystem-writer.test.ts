import { mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilesystemLogWriter } from '../../internal/logwriter/filesystem-writer';
import { nodeLogFs, type LogFs } from '../../internal/logwriter/log-fs';
import { splitJsonArrayElements } from '../../internal/logwriter/split-json-array';
import { logFixtures } from './fixtures';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('fleet-logwriter');
const read = (path: string): string => readFileSync(path, 'utf8');
const lines = (path: string): string[] => read(path).split('\n').slice(0, -1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FilesystemLogWriter: content', () => {
  it('writes every fixture line byte-for-byte as osquery sent it, one per line', async () => {
    const path = join(tempDir(), 'result');
    const writer = await FilesystemLogWriter.open(path);
    const expected: string[] = [];
    for (const f of logFixtures()) {
      const elements = splitJsonArrayElements(f.compact, 'data')!;
      await writer.write(elements);
      expected.push(...elements);
    }
    await writer.close();
    expect(lines(path)).toEqual(expected);
    expect(read(path).endsWith('}\n')).toBe(true);
  });

  it('accepts a device such as /dev/null (operators discarding logs): nothing to sync or rotate', async () => {
    const writer = await FilesystemLogWriter.open('/dev/null', { rotation: { maxBytes: 10, maxBackups: 1, compress: false } });
    await expect(writer.write(['{"a":1}', '{"b":2}'])).resolves.toBeUndefined();
    await expect(writer.write(['{"c":3}'])).resolves.toBeUndefined();
    await writer.close();
  });

  it('keeps 64-bit integers exact', async () => {
    const path = join(tempDir(), 'result');
    const line = '{"name":"pack/p/q","numerics":true,"columns":{"size":18446744073709551615,"inode":9007199254740993}}';
    const body = `{"node_key":"k","log_type":"result","data":[${line}]}`;
    const writer = await FilesystemLogWriter.open(path);
    await writer.write(splitJsonArrayElements(body, 'data')!);
    await writer.close();
    expect(read(path)).toBe(line + '\n');
    expect(read(path)).toContain('18446744073709551615');
  });

  it('compacts a pretty-printed line so one log line stays one file line', async () => {
    const path = join(tempDir(), 'status');
    const f = logFixtures().find((x) => x.name === 'log-result-snapshot.json')!;
    const writer = await FilesystemLogWriter.open(path);
    await writer.write(splitJsonArrayElements(f.pretty, 'data')!);
    await writer.close();
    expect(lines(path)).toEqual(f.data.map((d) => JSON.stringify(d)));
  });

  it('appends to an existing file and creates new files with mode 0600', async () => {
    const existing = join(tempDir(), 'existing');
    writeFileSync(existing, '{"old":1}\n');
    const a = await FilesystemLogWriter.open(existing);
    await a.write(['{"new":2}']);
    await a.close();
    expect(read(existing)).toBe('{"old":1}\n{"new":2}\n');

    const created = join(tempDir(), 'created');
    const b = await FilesystemLogWriter.open(created);
    await b.close();
    expect(statSync(created).mode & 0o777).toBe(0o600);
  });

  it('treats an empty write as done and refuses writes after close', async () => {
    const path = join(tempDir(), 'x');
    const writer = await FilesystemLogWriter.open(path);
    await writer.write([]);
    const pending = writer.write(['{"a":1}']);
    await writer.close();
    await pending; // accepted before close: still written
    await expect(writer.write(['{"b":2}'])).rejects.toThrow(/is closed/);
    expect(read(path)).toBe('{"a":1}\n');
    expect(writer.stats.syncs).toBe(1);
  });
});

/** nodeLogFs with a controllable fdatasync. */
function gatedFs(): { fs: LogFs; release: () => void; syncsStarted: () => number } {
  let started = 0;
  let gates: Array<() => void> = [];
  const fs: LogFs = {
    ...nodeLogFs,
    fdatasync: async (fd) => {
      started++;
      await new Promise<void>((r) => gates.push(r));
      return nodeLogFs.fdatasync(fd);
    },
  };
  const release = () => {
    const g = gates;
    gates = [];
    g.forEach((r) => r());
  };
  return { fs, release, syncsStarted: () => started };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(2);
  expect(condition()).toBe(true);
}

describe('FilesystemLogWriter: group commit', () => {
  it('resolves a write only after its data is synced', async () => {
    const gate = gatedFs();
    const writer = await FilesystemLogWriter.open(join(tempDir(), 'x'), { fs: gate.fs });
    let done = false;
    const p = writer.write(['{"a":1}']).then(() => (done = true));
    await until(() => gate.syncsStarted() === 1);
    await sleep(10);
    expect(done).toBe(false);
    gate.release();
    await p;
    expect(done).toBe(true);
    await writer.close();
  });

  it('coalesces writes of the same tick into one append and one sync', async () => {
    const path = join(tempDir(), 'x');
    const writer = await FilesystemLogWriter.open(path);
    const expected = Array.from({ length: 200 }, (_, i) => `{"i":${i}}`);
    await Promise.all(expected.map((l) => writer.write([l])));
    expect(writer.stats).toMatchObject({ lines: 200, batches: 1, syncs: 1 });
    await writer.close();
    expect(lines(path)).toEqual(expected);
  });

  it('batches writes that arrive while a sync is in flight into the next sync', async () => {
    const gate = gatedFs();
    const path = join(tempDir(), 'x');
    const writer = await FilesystemLogWriter.open(path, { fs: gate.fs });
    const first = writer.write(['{"first":1}']);
    await until(() => gate.syncsStarted() === 1);
    // 50 "requests" on separate ticks while the first sync is still running.
    const later: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      later.push(writer.write([`{"r":${i}}`, `{"r":${i},"second":true}`]));
      await new Promise((r) => setImmediate(r));
    }
    expect(gate.syncsStarted()).toBe(1);
    gate.release();
    await first;
    await until(() => gate.syncsStarted() === 2);
    gate.release();
    await Promise.all(later);
    expect(writer.stats).toMatchObject({ lines: 101, batches: 2, syncs: 2 });
    await writer.close();
    expect(lines(path)).toHaveLength(101);
  });

  it('many concurrent writers need far fewer syncs than writes', async () => {
    const path = join(tempDir(), 'x');
    const writer = await FilesystemLogWriter.open(path);
    const workers = Array.from({ length: 32 }, async (_, w) => {
      for (let i = 0; i < 20; i++) {
        await writer.write([`{"w":${w},"i":${i}}`]);
        if (i % 3 === 0) await new Promise((r) => setImmediate(r));
      }
    });
    await Promise.all(workers);
    await writer.close();
    expect(lines(path)).toHaveLength(640);
    expect(writer.stats.syncs).toBeLessThan(640 / 4);
    // Each worker's own lines stay in its order.
    const w7 = lines(path).map((l) => JSON.parse(l)).filter((o) => o.w === 7).map((o) => o.i);
    expect(w7).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('with a flush interval, lingers to gather writes from separate ticks', async () => {
    const writer = await FilesystemLogWriter.open(join(tempDir(), 'x'), { lingerMs: 50 });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      writes.push(writer.write([`{"i":${i}}`]));
      await sleep(2);
    }
    await Promise.all(writes);
    expect(writer.stats).toMatchObject({ lines: 5, syncs: 1 });
    await writer.close();
  });
});

describe('FilesystemLogWriter: the file moving underneath', () => {
  it('reopens the path after the file was moved away', async () => {
    const path = join(tempDir(), 'result');
    const writer = await FilesystemLogWriter.open(path);
    await writer.write(['{"n":1}']);
    renameSync(path, `${path}.old`);
    await writer.write(['{"n":2}']);
    await writer.write(['{"n":3}']);
    await writer.close();
    expect(read(`${path}.old`)).toBe('{"n":1}\n');
    expect(read(path)).toBe('{"n":2}\n{"n":3}\n');
    expect(writer.stats.reopens).toBe(1);
  });

  it('reopens after the file was deleted', async () => {
    const path = join(tempDir(), 'result');
    const writer = await FilesystemLogWriter.open(path);
    await writer.write(['{"n":1}']);
    unlinkSync(path);
    await writer.write(['{"n":2}']);
    await writer.close();
    expect(read(path)).toBe('{"n":2}\n');
  });

  it('rejects while the directory is gone, and recovers once it is back', async () => {
    const dir = join(tempDir(), 'logs');
    mkdirSync(dir);
    const path = join(dir, 'status');
    const writer = await FilesystemLogWriter.open(path);
    rmSync(dir, { recursive: true });
    await expect(writer.write(['{"n":1}'])).rejects.toThrow(`cannot write log file ${path}: directory ${dir} does not exist`);
    mkdirSync(dir);
    await writer.write(['{"n":2}']);
    await writer.close();
    expect(read(path)).toBe('{"n":2}\n');
  });
});

describe('FilesystemLogWriter: failures', () => {
  it.each<[string, (dir: string) => string, RegExp]>([
    ['a missing directory', (d) => join(d, 'nope', 'status'), /^cannot open log file .*\/nope\/status: directory .*\/nope does not exist$/],
    ['a parent that is a file', (d) => (writeFileSync(join(d, 'file'), ''), join(d, 'file', 'status')), /^cannot open log file .*\/file\/status: .*not a directory$/],
    ['a path that is a directory', (d) => (mkdirSync(join(d, 'dir')), join(d, 'dir')), /^cannot open log file .*\/dir: .*\/dir is a directory$/],
  ])('open() fails clearly on %s', async (_name, pathIn, message) => {
    await expect(FilesystemLogWriter.open(pathIn(tempDir()))).rejects.toThrow(message);
  });

  it('rejects a failed batch, removes its partial bytes and recovers on the next write', async () => {
    const path = join(tempDir(), 'x');
    let failNext = false;
    const fs: LogFs = {
      ...nodeLogFs,
      // Writes a few bytes, then fails: a torn append, as on a full disk.
      writev: async (fd, buffers) => {
        if (!failNext) return nodeLogFs.writev(fd, buffers);
        failNext = false;
        await nodeLogFs.writev(fd, [buffers[0]!.subarray(0, 5)]);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    const writer = await FilesystemLogWriter.open(path, { fs });
    await writer.write(['{"n":1}']);
    failNext = true;
    await expect(Promise.all([writer.write(['{"n":2}']), writer.write(['{"n":3}'])])).rejects.toThrow(
      `cannot write log file ${path}: no space left on device`,
    );
    expect(read(path)).toBe('{"n":1}\n');
    await writer.write(['{"n":4}']);
    await writer.close();
    expect(read(path)).toBe('{"n":1}\n{"n":4}\n');
    expect(writer.stats).toMatchObject({ failedBatches: 1, batches: 2 });
  });

  it('finishes short writes (partial writev) without losing or repeating bytes', async () => {
    const path = join(tempDir(), 'x');
    // At most 7 bytes per call, splitting lines and buffers at odd places.
    const fs: LogFs = {
      ...nodeLogFs,
      writev: async (fd, buffers) => {
        const all = Buffer.concat(buffers as Buffer[]);
        return nodeLogFs.writev(fd, [all.subarray(0, 7)]);
      },
    };
    const writer = await FilesystemLogWriter.open(path, { fs });
    const expected = Array.from({ length: 30 }, (_, i) => `{"i":${i},"s":"${'é'.repeat(i % 4)}"}`);
    await Promise.all(expected.map((l) => writer.write([l])));
    await writer.close();
    expect(lines(path)).toEqual(expected);
  });

  it('rejects when the sync fails', async () => {
    const fs: LogFs = { ...nodeLogFs, fdatasync: async () => Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) };
    const writer = await FilesystemLogWriter.open(join(tempDir(), 'x'), { fs });
    await expect(writer.write(['{"n":1}'])).rejects.toThrow(/cannot write log file .*: EIO: i\/o error/);
    await writer.close();
  });
});
