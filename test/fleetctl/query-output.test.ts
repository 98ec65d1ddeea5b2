// The pieces of `fleetctl query` that need no server: Go durations for --timeout, Fleet's
// status line, the in-place progress line, when a campaign counts as done, --pretty tables.
import { Writable } from 'node:stream';
import { parseGoDuration } from '../../cmd/fleetctl/duration';
import { CampaignTally } from '../../cmd/fleetctl/live-query-tally';
import { goPercent, ProgressLine, statusLine } from '../../cmd/fleetctl/progress';
import { rowsTable } from '../../cmd/fleetctl/rows-table';

describe('parseGoDuration (--timeout)', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['.5s', 500],
    ['2h45m30.5s', 9_930_500],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['0', 0],
    ['-2s', -2000],
    ['+3s', 3000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '10', 's', '.s', '1x', '1d', '10 s', 'ten seconds', '-', '1s-2s'])('rejects %j like Go does', (text) => {
    expect(() => parseGoDuration(text)).toThrow(/^time: (invalid duration|unknown unit)/);
  });
});

describe('statusLine', () => {
  it("prints Fleet's line, leading space included", () => {
    expect(statusLine({ responded: 2, total: 4, online: 2 })).toBe(' 50% responded (100% online) | 2/4 targeted hosts (2/2 online)');
  });

  it('shows 0% rather than dividing by zero when nothing is known or nothing is online', () => {
    expect(statusLine({ responded: 0, total: 0, online: 0 })).toBe(' 0% responded (0% online) | 0/0 targeted hosts (0/0 online)');
    expect(statusLine({ responded: 0, total: 3, online: 0 })).toBe(' 0% responded (0% online) | 0/3 targeted hosts (0/0 online)');
  });

  it("rounds like Go's %.f: nearest, exact halves to even", () => {
    expect(statusLine({ responded: 1, total: 3, online: 3 })).toBe(' 33% responded (33% online) | 1/3 targeted hosts (1/3 online)');
    expect(statusLine({ responded: 2, total: 3, online: 3 })).toMatch(/^ 67% responded/);
    expect(goPercent(12.5)).toBe('12');
    expect(goPercent(87.5)).toBe('88');
    expect(goPercent(99.6)).toBe('100');
  });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('ProgressLine', () => {
  it('redraws in place on a terminal and erases itself before other output', () => {
    const err = new Capture();
    const line = new ProgressLine(err, true);
    line.show(' 0% responded');
    line.show(' 50% responded');
    line.show(' 50% responded'); // unchanged: not redrawn
    line.clear();
    line.clear(); // nothing drawn: nothing to erase
    line.restore();
    expect(err.text).toBe('\r 0% responded\x1b[K\r 50% responded\x1b[K\r\x1b[K\r 50% responded\x1b[K');
  });

  it('writes nothing when disabled (stderr not a terminal, or --quiet)', () => {
    const err = new Capture();
    const line = new ProgressLine(err, false);
    line.show(' 50% responded');
    line.clear();
    line.restore();
    expect(err.text).toBe('');
  });
});

describe('CampaignTally', () => {
  const pending = (expected: number, actual = 0) => ({ expected_results: expected, actual_results: actual, status: 'pending' });

  it('decides nothing before the first status (an empty tally would look finished)', () => {
    const t = new CampaignTally();
    expect(t.completion(true)).toBeNull();
    t.onTotals({ count: 2, online: 2 });
    expect(t.completion(true)).toBeNull();
  });

  it('is done when every targeted host answered, with or without --exit', () => {
    const t = new CampaignTally();
    t.onTotals({ count: 2, online: 2 });
    t.onStatus(pending(2));
    t.onResult();
    expect(t.completion(false)).toBeNull();
    t.onResult();
    expect(t.completion(false)).toBe('all-responded');
    expect(t.snapshot()).toEqual({ responded: 2, total: 2, online: 2 });
  });

  it('with --exit, is done once every online host answered, without waiting for the server to recount', () => {
    const t = new CampaignTally();
    t.onTotals({ count: 3, online: 1, offline: 2 });
    t.onStatus(pending(1));
    expect(t.completion(true)).toBeNull();
    t.onResult(); // the server's next status (actual_results: 1) is up to 5 s away
    expect(t.completion(true)).toBe('online-responded');
    expect(t.completion(false)).toBeNull();
  });

  it("takes the server's count when it is ahead of the results seen", () => {
    const t = new CampaignTally();
    t.onTotals({ count: 2, online: 2 });
    t.onStatus(pending(2, 2));
    expect(t.snapshot().responded).toBe(2);
    expect(t.completion(false)).toBe('all-responded');
  });

  it('ends at once when nothing targeted is online and --exit is given', () => {
    const t = new CampaignTally();
    t.onTotals({ count: 2, online: 0, offline: 2 });
    t.onStatus({ expected_results: 0, actual_results: 0, status: 'finished' });
    expect(t.completion(true)).toBe('online-responded');
    expect(t.completion(false)).toBeNull();
  });
});

describe('rowsTable (--pretty)', () => {
  it('lays out the hostname then the columns in name order, without the server-added host_hostname', () => {
    const table = rowsTable('web-1', [
      { version: '4.9.0', name: 'osqueryd', host_hostname: 'web-1' },
      { version: '5.0.1', name: 'osqueryd-beta', host_hostname: 'web-1' },
    ]);
    expect(table).toBe(
      [
        '+----------+---------------+---------+',
        '| HOSTNAME | NAME          | VERSION |',
        '+----------+---------------+---------+',
        '| web-1    | osqueryd      | 4.9.0   |',
        '+----------+---------------+---------+',
        '| web-1    | osqueryd-beta | 5.0.1   |',
        '+----------+---------------+---------+',
        '',
      ].join('\n'),
    );
  });

  it('keeps each row on one line and leaves missing cells empty', () => {
    const table = rowsTable('h', [{ a: 'x\ny' }, { b: 'z' }]);
    expect(table.split('\n')).toContain('| h        | x y |   |');
    expect(table.split('\n')).toContain('| h        |     | z |');
  });

  it('says so when a host returned no rows', () => {
    expect(rowsTable('web-1', [])).toBe('web-1: no rows\n');
  });
});
