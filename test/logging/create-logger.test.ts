import { createLogger, type Logger } from '../../internal/logging';
import { captureStream } from './capture';

describe('createLogger', () => {
  it('writes JSON lines with level, message, timestamp and redacted metadata', () => {
    const out = captureStream();
    const logger = createLogger({ json: true, debug: false, stream: out.stream });
    logger.info('login', { email: 'a@b.c', password: 'hunter2', nested: { node_key: 'nk' } });
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 'info', message: 'login', email: 'a@b.c', password: '[REDACTED]', nested: { node_key: '[REDACTED]' } });
    expect(new Date(entry.timestamp).toString()).not.toBe('Invalid Date');
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('nk"');
  });

  it('writes one readable line otherwise, also redacted', () => {
    const out = captureStream();
    const logger = createLogger({ json: false, debug: false, stream: out.stream });
    logger.warn('enroll failed', { host: 'web 1', enroll_secret: 'abc', attempts: 3 });
    const [line] = out.lines();
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z warn: enroll failed host="web 1" enroll_secret=\[REDACTED\] attempts=3$/);
    expect(() => JSON.parse(line!)).toThrow();
  });

  it('logs debug only in debug mode', () => {
    const quiet = captureStream();
    createLogger({ json: true, debug: false, stream: quiet.stream }).debug('hidden');
    expect(quiet.lines()).toEqual([]);
    const loud = captureStream();
    createLogger({ json: true, debug: true, stream: loud.stream }).debug('shown');
    expect(loud.lines().map((l) => JSON.parse(l).level)).toEqual(['debug']);
  });

  it('serialises an Error in metadata in JSON mode', () => {
    const out = captureStream();
    createLogger({ json: true, debug: false, stream: out.stream }).error('failed', { err: new Error('db down') });
    expect(JSON.parse(out.lines()[0]!).err).toMatchObject({ name: 'Error', message: 'db down' });
  });

  it('is usable through the minimal Logger interface', () => {
    const out = captureStream();
    const logger: Logger = createLogger({ json: true, debug: true, stream: out.stream });
    logger.debug('d');
    logger.info('i', { a: 1 });
    logger.warn('w');
    logger.error('e');
    expect(out.lines().map((l) => JSON.parse(l).level)).toEqual(['debug', 'info', 'warn', 'error']);
  });
});
