import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FilesystemLogWriter } from '../../internal/logwriter/filesystem-writer';
import { nodeLogFs } from '../../internal/logwriter/log-fs';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('fleet-logrotate');
const read = (path: string): string => readFileSync(path, 'utf8');
const line = (n: number): string => `{"n":${String(n).padStart(3, '0')}}`; // 11 bytes + newline
const files = (dir: string): string[] => readdirSync(dir).sort();

describe('size rotation', () => {
  it('rotates before a batch would pass the limit, keeping max_backups files', async () => {
    const dir = tempDir();
    const path = join(dir, 'result');
    // 36 bytes: three 12-byte lines per file.
    const writer = await FilesystemLogWriter.open(path, { rotation: { maxBytes: 36, maxBackups: 2, compress: false } });
    for (let n = 1; n <= 10; n++) await writer.write([line(n)]);
    await writer.close();
    expect(files(dir)).toEqual(['result', 'result.1', 'result.2']);
    expect(read(path)).toBe(`${line(10)}\n`);
    expect(read(`${path}.1`)).toBe([7, 8, 9].map((n) => line(n) + '\n').join(''));
    expect(read(`${path}.2`)).toBe([4, 5, 6].map((n) => line(n) + '\n').join(''));
    expect(writer.stats.rotations).toBe(3);
  });

  it('still writes a single batch larger than the limit', async () => {
    const path = join(tempDir(), 'result');
    const writer = await FilesystemLogWriter.open(path, { rotation: { maxBytes: 20, maxBackups: 1, compress: false } });
    await writer.write([line(1), line(2), line(3)]);
    await writer.write([line(4)]);
    await writer.close();
    expect(read(`${path}.1`)).toBe([1, 2, 3].map((n) => line(n) + '\n').join(''));
    expect(read(path)).toBe(line(4) + '\n');
  });

  it('counts the bytes already in a reopened file', async () => {
    const path = join(tempDir(), 'result');
    writeFileSync(path, 'x'.repeat(30) + '\n');
    const writer = await FilesystemLogWriter.open(path, { rotation: { maxBytes: 36, maxBackups: 1, compress: false } });
    await writer.write([line(1)]);
    await writer.close();
    expect(read(path)).toBe(line(1) + '\n');
    expect(read(`${path}.1`)).toHaveLength(31);
  });

  it('keeps writing to the current file when rotation fails', async () => {
    const path = join(tempDir(), 'result');
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const fs = { ...nodeLogFs, rename: async () => Promise.reject(Object.assign(new Error('EXDEV'), { code: 'EXDEV' })) };
    const writer = await FilesystemLogWriter.open(path, { fs, logger, rotation: { maxBytes: 12, maxBackups: 1, compress: false } });
    await writer.write([line(1)]);
    await writer.write([line(2)]);
    await writer.close();
    expect(read(path)).toBe(line(1) + '\n' + line(2) + '\n');
    expect(warnings).toEqual([expect.stringContaining('rotation failed')]);
  });
});

describe('manual rotation (SIGHUP)', () => {
  it('rotates on demand and shifts older backups', async () => {
    const dir = tempDir();
    const path = join(dir, 'status');
    const writer = await FilesystemLogWriter.open(path, { rotation: { maxBytes: 1 << 20, maxBackups: 3, compress: false } });
    for (let n = 1; n <= 5; n++) {
      await writer.write([line(n)]);
      await writer.rotate();
    }
    await writer.write([line(6)]);
    await writer.close();
    expect(files(dir)).toEqual(['status', 'status.1', 'status.2', 'status.3']);
    expect([path, `${path}.1`, `${path}.2`, `${path}.3`].map(read)).toEqual([6, 5, 4, 3].map((n) => line(n) + '\n'));
  });

  it('is refused when rotation is not enabled', async () => {
    const writer = await FilesystemLogWriter.open(join(tempDir(), 'x'));
    await expect(writer.rotate()).rejects.toThrow(/rotation is not enabled/);
    await writer.close();
  });

  it('files away what a crashed process rotated out but did not finish', async () => {
    const dir = tempDir();
    const path = join(dir, 'result');
    writeFileSync(`${path}.rotating-000001700000000000-000001`, 'left over\n');
    const writer = await FilesystemLogWriter.open(path, { rotation: { maxBytes: 1 << 20, maxBackups: 3, compress: false } });
    await writer.housekeepingIdle();
    await writer.close();
    expect(files(dir)).toEqual(['result', 'result.1']);
    expect(read(`${path}.1`)).toBe('left over\n');
  });
});

describe('compression', () => {
  it('gzips rotated files in the background into valid gzip, shifting .gz backups', async () => {
    const dir = tempDir();
    const path = join(dir, 'result');
    const writer = await FilesystemLogWriter.open(path, { rotation: { maxBytes: 1 << 20, maxBackups: 2, compress: true } });
    const big = Array.from({ length: 2000 }, (_, i) => `{"name":"pack/p/q","columns":{"i":"${i}"},"action":"added"}`);
    await writer.write(big);
    await writer.rotate();
    await writer.write([line(2)]);
    await writer.rotate();
    await writer.write([line(3)]);
    await writer.rotate();
    await writer.write([line(4)]);
    await writer.housekeepingIdle();
    expect(files(dir)).toEqual(['result', 'result.1.gz', 'result.2.gz']);
    expect(gunzipSync(readFileSync(`${path}.1.gz`)).toString()).toBe(line(3) + '\n');
    expect(gunzipSync(readFileSync(`${path}.2.gz`)).toString()).toBe(line(2) + '\n');
    await writer.close();
    expect(read(path)).toBe(line(4) + '\n');
  });

  it('compresses a large backup well without holding up writes', async () => {
    const dir = tempDir();
    const path = join(dir, 'result');
    const writer = await FilesystemLogWriter.open(path, { rotation: { maxBytes: 1 << 30, maxBackups: 1, compress: true } });
    const batch = Array.from({ length: 5000 }, (_, i) => `{"name":"pack/p/q","hostIdentifier":"h","columns":{"i":"${i}"},"action":"added"}`);
    for (let i = 0; i < 40; i++) await writer.write(batch); // ~18 MB: gzip takes far longer than one append
    const plainSize = 40 * batch.reduce((s, l) => s + l.length + 1, 0);
    await writer.rotate();
    // The write after a rotation is not queued behind the gzip of the old file.
    await writer.write([line(1)]);
    expect(existsSync(`${path}.1.gz`)).toBe(false);
    await writer.housekeepingIdle();
    const gz = readFileSync(`${path}.1.gz`);
    expect(gunzipSync(gz)).toHaveLength(plainSize);
    expect(gz.length).toBeLessThan(plainSize / 5);
    expect(existsSync(`${path}.1`)).toBe(false);
    await writer.close();
  });
});
