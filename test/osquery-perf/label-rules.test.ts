import { factTables } from '../../cmd/osquery-perf/host-details';
import { createIdentity } from '../../cmd/osquery-perf/identity';
import { evaluateFactQuery, evaluateLabelQuery, likeMatches } from '../../cmd/osquery-perf/label-rules';
import { parseSelect } from '../../cmd/osquery-perf/sql';
import type { PlatformName } from '../../cmd/osquery-perf/templates';
import { BUILTIN_LABELS } from './fake-fleet';

const facts = (p: PlatformName) =>
  factTables(createIdentity(1, 0, p), { startTime: 1, configHash: '', uptimeSeconds: 100, intervals: { configMs: 1, distributedMs: 1, loggerMs: 1 } });
const member = (sql: string, p: PlatformName) => evaluateLabelQuery(sql, facts(p)).length > 0;

describe('label rule engine', () => {
  it('evaluates the built-in labels per platform (CentOS 7 reports platform rhel)', () => {
    const table: Record<PlatformName, number[]> = { ubuntu: [6, 8], centos: [6, 9], darwin: [6, 7], windows: [6, 10] };
    for (const [p, ids] of Object.entries(table) as Array<[PlatformName, number[]]>) {
      const got = Object.entries(BUILTIN_LABELS).filter(([, sql]) => member(sql, p)).map(([id]) => Number(id));
      expect({ p, got }).toEqual({ p, got: ids });
    }
  });

  it('answers `select 1` with the row osquery gives', () => {
    expect(evaluateLabelQuery('select 1;', facts('ubuntu'))).toEqual([{ '1': '1' }]);
    expect(evaluateLabelQuery('SELECT 1 FROM os_version WHERE platform = "darwin"', facts('darwin'))).toEqual([{ '1': '1' }]);
  });

  it('returns no rows for anything it does not know', () => {
    expect(member("SELECT 1 FROM apps WHERE bundle_identifier = 'com.googlecode.iterm2';", 'darwin')).toBe(false);
    expect(member("SELECT 1 FROM deb_packages WHERE name = 'openssh-server';", 'ubuntu')).toBe(false);
    expect(member('select 1 from os_version where version > 10', 'ubuntu')).toBe(false);
    expect(member('not sql at all', 'ubuntu')).toBe(false);
    expect(member('select 1 from os_version where missing_col = 1', 'ubuntu')).toBe(false);
  });

  it('handles and/or, parentheses, like/not like, != and other fact tables', () => {
    expect(member("select 1 from os_version where (platform = 'ubuntu' and major = '20')", 'ubuntu')).toBe(true);
    expect(member("select 1 from os_version where platform = 'ubuntu' and major = '18'", 'ubuntu')).toBe(false);
    expect(member("select 1 from os_version where name not like '%windows%'", 'darwin')).toBe(true);
    expect(member("select 1 from os_version where platform != 'darwin'", 'darwin')).toBe(false);
    expect(member("select 1 from system_info where hardware_vendor like 'apple%'", 'darwin')).toBe(true);
    expect(member("select 1 from osquery_info where version = '5.12.1'", 'windows')).toBe(true);
    expect(member("select 1 from os_version where name = 'x or y' or platform = 'ubuntu'", 'ubuntu')).toBe(true);
  });

  it('projects columns for decorator-style queries', () => {
    const f = facts('darwin');
    expect(evaluateFactQuery('SELECT uuid AS host_uuid FROM system_info;', f)).toEqual([{ host_uuid: f.system_info!.uuid }]);
    expect(evaluateFactQuery('SELECT hostname AS hostname FROM system_info;', f)).toEqual([{ hostname: f.system_info!.hostname }]);
  });

  it('implements SQLite LIKE', () => {
    expect(likeMatches('CentOS Linux', '%centos%')).toBe(true);
    expect(likeMatches('abc', 'a_c')).toBe(true);
    expect(likeMatches('a.c', 'a_c')).toBe(true);
    expect(likeMatches('abbc', 'a_c')).toBe(false);
    expect(likeMatches('x(y)', 'x(%')).toBe(true);
  });
});

describe('select parser', () => {
  it('finds columns, aliases, table and where', () => {
    expect(parseSelect("SELECT pid, p.name, path AS exe FROM processes p WHERE name LIKE 'osquery%' LIMIT 5")).toEqual({
      columns: ['pid', 'name', 'exe'],
      sources: ['pid', 'name', 'path'],
      table: 'processes',
      where: "name LIKE 'osquery%'",
    });
    expect(parseSelect('select * from users;')).toEqual({ columns: '*', sources: [], table: 'users' });
    expect(parseSelect('select 1;')).toEqual({ columns: ['1'], sources: ['1'] });
  });
});
