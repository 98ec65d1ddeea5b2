import { PassThrough, Writable } from 'node:stream';
import { StdoutLogWriter } from '../../internal/logwriter/stdout-writer';
import { splitJsonArrayElements } from '../../internal/logwriter/split-json-array';
import { logFixtures } from './fixtures';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('StdoutLogWriter', () => {
  it('writes each fixture line verbatim with a newline', async () => {
    const out = collector();
    const writer = new StdoutLogWriter(out.stream);
    const expected: string[] = [];
    for (const f of logFixtures()) {
      const elements = splitJsonArrayElements(f.compact, 'data')!;
      await writer.write(elements);
      expected.push(...elements);
    }
    await writer.close();
    expect(out.text()).toBe(expected.map((l) => l + '\n').join(''));
  });

  it('keeps call order and waits for a full buffer to drain', async () => {
    // A reader that is slow and has almost no buffer.
    const chunks: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, done) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          chunks.push(chunk.toString());
          inFlight--;
          done();
        }, 2);
      },
    });
    const writer = new StdoutLogWriter(slow);
    const settled: number[] = [];
    const writes = Array.from({ length: 20 }, (_, i) => writer.write([`{"i":${i}}`]).then(() => settled.push(i)));
    await Promise.all(writes);
    expect(chunks.join('')).toBe(Array.from({ length: 20 }, (_, i) => `{"i":${i}}\n`).join(''));
    expect(settled).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(slow.writableLength).toBe(0);
    expect(maxInFlight).toBe(1);
  });

  it('rejects when the stream fails, and keeps working for later writes when it recovers', async () => {
    let fail = true;
    const chunks: string[] = [];
    const flaky = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (fail) {
          fail = false;
          done(new Error('EPIPE'));
        } else {
          chunks.push(chunk.toString());
          done();
        }
      },
    });
    flaky.on('error', () => undefined);
    const writer = new StdoutLogWriter(flaky);
    await expect(writer.write(['{"a":1}'])).rejects.toThrow('EPIPE');
    // An errored Writable is destroyed: later writes are refused, not hung.
    await expect(writer.write(['{"b":2}'])).rejects.toThrow(/closed|destroyed|EPIPE/);
  });

  it('refuses writes after close without ending the stream', async () => {
    const out = new PassThrough();
    const writer = new StdoutLogWriter(out);
    await writer.write(['{"a":1}']);
    await writer.close();
    await expect(writer.write(['{"b":2}'])).rejects.toThrow(/closed/);
    expect(out.writableEnded).toBe(false);
    expect(out.read().toString()).toBe('{"a":1}\n');
  });

  it('defaults to process.stdout', async () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string, cb?: () => void) => {
      cb?.();
      return true;
    }) as typeof process.stdout.write);
    try {
      await new StdoutLogWriter().write(['{"x":1}', '{"y":2}']);
      expect(spy).toHaveBeenCalledWith('{"x":1}\n{"y":2}\n', expect.any(Function));
    } finally {
      spy.mockRestore();
    }
  });
});
