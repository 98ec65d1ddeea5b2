// Plausible rows for arbitrary SQL (live queries, additional queries, scheduled pack
// queries). Columns come from the SELECT list, else a small per-table catalogue, else a
// generic set; values are guessed from column names so they look like osquery output.
import type { AgentIdentity } from './identity';
import type { Rng } from './rng';
import { parseSelect } from './sql';
import type { Row } from './templates';

const TABLE_COLUMNS: Record<string, readonly string[]> = {
  processes: ['pid', 'name', 'path', 'cmdline', 'state', 'cwd', 'root', 'uid', 'gid', 'euid', 'egid', 'on_disk', 'resident_size', 'user_time', 'system_time', 'start_time', 'parent'],
  users: ['uid', 'gid', 'uid_signed', 'gid_signed', 'username', 'description', 'directory', 'shell', 'uuid'],
  listening_ports: ['address', 'family', 'fd', 'net_namespace', 'path', 'pid', 'port', 'protocol', 'socket'],
  crontab: ['command', 'day_of_month', 'day_of_week', 'event', 'hour', 'minute', 'month', 'path'],
  etc_hosts: ['address', 'hostnames'],
  last: ['host', 'pid', 'time', 'tty', 'type', 'username'],
  logged_in_users: ['host', 'pid', 'time', 'tty', 'type', 'user'],
  process_open_sockets: ['family', 'fd', 'local_address', 'local_port', 'pid', 'protocol', 'remote_address', 'remote_port', 'socket', 'state'],
  kernel_modules: ['address', 'name', 'size', 'status', 'used_by'],
  startup_items: ['args', 'name', 'path', 'source', 'status', 'type', 'username'],
  registry: ['data', 'key', 'mtime', 'name', 'path', 'type'],
  services: ['name', 'display_name', 'status', 'pid', 'start_type', 'path', 'user_account'],
  deb_packages: ['name', 'version', 'source', 'size', 'arch', 'revision'],
  rpm_packages: ['name', 'version', 'release', 'source', 'size', 'sha1', 'arch'],
  apps: ['name', 'path', 'bundle_identifier', 'bundle_short_version', 'bundle_version'],
  programs: ['name', 'version', 'install_location', 'publisher', 'install_date'],
};
const GENERIC_COLUMNS = ['name', 'path', 'value'];

const NAMES = ['osqueryd', 'sshd', 'systemd', 'cron', 'nginx', 'postgres', 'bash', 'node', 'python3', 'containerd', 'dockerd', 'chrome'];
const USERS = ['root', 'deploy', 'alice', 'bob', 'www-data', 'postgres', 'jordan'];

function pathFor(id: AgentIdentity, name: string): string {
  switch (id.platform) {
    case 'windows':
      return `C:\\Program Files\\${name}\\${name}.exe`;
    case 'darwin':
      return `/Applications/${name}.app/Contents/MacOS/${name}`;
    default:
      return `/usr/bin/${name}`;
  }
}

/** A value for `column` in row `i`; strings only, like osquery's JSON. */
export function valueFor(column: string, i: number, rng: Rng, id: AgentIdentity): string {
  const c = column.toLowerCase();
  if (c === 'pid' || c === 'parent' || c.endsWith('_pid')) return String(rng.int(100, 65000));
  if (c === 'port' || c.endsWith('_port')) return String(rng.pick([22, 53, 80, 443, 5432, 6379, 8080, 8443]));
  if (c === 'uid' || c === 'gid' || c === 'euid' || c === 'egid' || c.endsWith('_signed')) return String(rng.pick([0, 0, 33, 1000, 1001, 501]));
  if (c === 'family') return rng.pick(['2', '10']);
  if (c === 'protocol') return rng.pick(['6', '17']);
  if (/(^|_)(size|fd|socket|time|mtime|count|bytes|used_by|on_disk|type)$/.test(c)) return String(rng.int(0, 2_000_000));
  if (c.includes('address')) return rng.chance(0.5) ? id.ipv4 : `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  if (c === 'path' || c.endsWith('_path') || c === 'directory' || c === 'cwd' || c === 'install_location') return pathFor(id, rng.pick(NAMES));
  if (c === 'username' || c === 'user' || c === 'user_account') return rng.pick(USERS);
  if (c === 'name' || c === 'display_name') return `${rng.pick(NAMES)}${i > 0 && rng.chance(0.3) ? `-${i}` : ''}`;
  if (c === 'cmdline' || c === 'command') return `${pathFor(id, rng.pick(NAMES))} --flag-${rng.hex(4)}`;
  if (c === 'shell') return id.platform === 'windows' ? 'C:\\Windows\\system32\\cmd.exe' : rng.pick(['/bin/bash', '/bin/zsh', '/usr/sbin/nologin']);
  if (c === 'version' || c.endsWith('_version')) return `${rng.int(0, 12)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
  if (c === 'state' || c === 'status') return rng.pick(['S', 'R', 'running', 'enabled']);
  if (c === 'hostname' || c === 'host_hostname' || c === 'hostnames') return id.hostname;
  if (c === 'uuid' || c === 'host_uuid') return id.uuid;
  if (c === 'sha1') return rng.hex(40);
  if (c === 'sha256') return rng.hex(64);
  return `${column}-${i}-${rng.hex(4)}`;
}

/** Column names for a query: the SELECT list, or the table's catalogue for `select *`. */
export function columnsFor(sql: string): readonly string[] {
  const shape = parseSelect(sql);
  if (!shape) return GENERIC_COLUMNS;
  if (shape.columns !== '*') return shape.columns;
  return (shape.table && TABLE_COLUMNS[shape.table]) || GENERIC_COLUMNS;
}

/** The first table the query reads, for "no such table: …" style messages. */
export function tableOf(sql: string): string | undefined {
  return parseSelect(sql)?.table;
}

export function generateRow(columns: readonly string[], i: number, rng: Rng, id: AgentIdentity): Row {
  const row: Row = {};
  for (const c of columns) row[c] = valueFor(c, i, rng, id);
  return row;
}

export function generateRows(sql: string, count: number, rng: Rng, id: AgentIdentity): Row[] {
  const columns = columnsFor(sql);
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) rows.push(generateRow(columns, i, rng, id));
  return rows;
}
