// fleetctl get / apply / delete / convert (spec rest-api.md §16), as the real process against
// a real server: what each prints, what reaches the server, YAML and JSON round trips, and
// every way it can fail (one line on stderr, a non-zero exit, nothing half-applied).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RunningFleet } from '../e2e/support';
import { adminFleetctl, FleetctlHome, type FleetctlResult } from './support';

const PACKS = join(__dirname, '..', 'fixtures', 'osquery-packs');

/** A successful run: exit 0; returns stdout. */
function ok(res: FleetctlResult): string {
  if (res.code !== 0) throw new Error(`fleetctl failed (${res.code}): ${res.stderr}`);
  return res.stdout;
}

/** A failed run prints exactly one line, "Error: …", on stderr, nothing on stdout, and exits 1. */
function oneLineError(res: FleetctlResult): string {
  expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: '' });
  expect(res.stderr).toMatch(/^Error: [^\n]+\n$/);
  return res.stderr.slice('Error: '.length, -1);
}

/** The documents of YAML output, as plain objects. */
function yamlDocs(text: string): any[] {
  expect(text.startsWith('---\n')).toBe(true);
  return parseAllDocuments(text).map((d) => d.toJS());
}

function jsonDocs(text: string): any[] {
  return text.trimEnd().split('\n').map((line) => JSON.parse(line));
}

/** Enrolls an agent with the default secret; returns its node key. */
async function enroll(fleet: RunningFleet, hostname: string): Promise<string> {
  const { specs } = await fleet.api.get('/spec/enroll_secret');
  const secret = specs.secrets.find((s: { name: string }) => s.name === 'default').secret;
  const res = await fetch(`${fleet.server.url}/api/v1/osquery/enroll`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      enroll_secret: secret,
      host_identifier: hostname,
      host_details: {
        system_info: { hostname, uuid: `uuid-${hostname}` },
        os_version: { platform: 'ubuntu', name: 'Ubuntu', major: '22', minor: '04', patch: '0' },
        osquery_info: { version: '5.10.2' },
      },
    }),
  });
  const body = (await res.json()) as { node_key?: string };
  if (!body.node_key) throw new Error(`enroll failed: ${JSON.stringify(body)}`);
  return body.node_key;
}

async function osquery(fleet: RunningFleet, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${fleet.server.url}/api/v1/osquery/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Uploads `data` as a complete two-block carve; returns the carve id. */
async function carve(fleet: RunningFleet, nodeKey: string, data: Buffer): Promise<number> {
  const blockSize = Math.ceil(data.length / 2);
  const requestId = `fleet_distributed_query_${randomBytes(3).toString('hex')}`;
  const { session_id } = await osquery(fleet, 'carve/begin', { node_key: nodeKey, block_count: 2, block_size: blockSize, carve_size: data.length, carve_id: 'c-1', request_id: requestId });
  for (const block of [0, 1]) {
    const part = data.subarray(block * blockSize, (block + 1) * blockSize);
    await osquery(fleet, 'carve/block', { block_id: block, session_id, request_id: requestId, data: part.toString('base64') });
  }
  const { carves } = await fleet.api.get('/carves');
  return carves.find((c: { request_id: string }) => c.request_id === requestId).id;
}

/** Specs as the server reports them; equal before and after an apply means nothing changed. */
async function serverState(fleet: RunningFleet): Promise<Record<string, unknown>> {
  const paths = ['/spec/queries', '/spec/packs', '/spec/labels', '/spec/osquery_options', '/spec/enroll_secret', '/config'];
  return Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await fleet.api.get(p)])));
}

/** Content with the details a lossy export would drop: multi-line SQL, YAML-ish strings, shards, overrides. */
async function seed(fleet: RunningFleet, manualHost: string): Promise<void> {
  const apply = async (path: string, body: unknown) => {
    const res = await fleet.api.request('POST', path, body);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await apply('/spec/queries', {
    specs: [
      { name: 'uptime', description: 'How long hosts have been up', query: 'select * from uptime;' },
      { name: 'multi line', query: "select pid,\n  name\nfrom processes\nwhere name = 'a: b' -- trailing \n" },
      { name: 'yes', description: '0123', query: '--- not a separator' },
    ],
  });
  await apply('/spec/labels', {
    specs: [
      { name: 'ubuntu boxes', description: 'Ubuntu', query: "select 1 from os_version where platform = 'ubuntu';", platform: 'ubuntu' },
      { name: 'laptops', query: '', label_membership_type: 'manual', hosts: [manualHost] },
    ],
  });
  await apply('/spec/packs', {
    specs: [
      {
        name: 'monitoring',
        description: 'Heartbeat',
        platform: 'linux',
        targets: { labels: ['All Hosts', 'laptops'] },
        queries: [
          { query: 'uptime', name: 'uptime_snapshot', interval: 3600, snapshot: true, shard: 50, platform: 'linux', version: '4.0.0' },
          { query: 'multi line', interval: 60, removed: false, description: 'differential' },
        ],
      },
      { name: 'empty pack', disabled: true },
    ],
  });
  await apply('/spec/osquery_options', {
    spec: {
      config: { options: { distributed_interval: 15, logger_plugin: 'tls', host_identifier: 'uuid' }, decorators: { load: ['SELECT uuid AS host_uuid FROM system_info;'] } },
      overrides: { platforms: { darwin: { options: { distributed_interval: 30 } } } },
    },
  });
  await apply('/spec/enroll_secret', { spec: { secrets: [{ name: 'spare', secret: 'true', active: false }] } });
}

describe('fleetctl get', () => {
  let fleet: RunningFleet;
  let home: FleetctlHome;
  let hostname: string;
  let carveId: number;
  const carved = randomBytes(5000);
  const get = (...args: string[]) => home.run(['get', ...args]);

  adminFleetctl((f, h) => {
    fleet = f;
    home = h;
  });
  beforeAll(async () => {
    hostname = `web-${randomBytes(3).toString('hex')}`;
    const nodeKey = await enroll(fleet, hostname);
    await seed(fleet, hostname);
    carveId = await carve(fleet, nodeKey, carved);
  });

  test('queries: a table by default, under every alias', async () => {
    const table = ok(await get('queries'));
    expect(table.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^\+-+\+-+\+-+\+$/),
      expect.stringMatching(/^\| NAME +\| DESCRIPTION +\| QUERY +\|$/),
      expect.stringMatching(/^\+-+/),
    ]);
    expect(table).toMatch(/\| uptime +\| How long hosts have been up +\| select \* from uptime; +\|/);
    // A multi-line query spans several lines of its row.
    expect(table).toMatch(/\| +\| +\| {3}name +\|\n/);
    expect(ok(await get('query'))).toBe(table);
    expect(ok(await get('q'))).toBe(table);
  });

  test('queries --yaml and --json: one document per saved query, the spec as the server has it', async () => {
    const { specs } = await fleet.api.get('/spec/queries');
    const expected = specs.map((spec: unknown) => ({ apiVersion: 'v1', kind: 'query', spec }));
    expect(yamlDocs(ok(await get('queries', '--yaml')))).toEqual(expected);
    expect(jsonDocs(ok(await get('queries', '--json')))).toEqual(expected);
  });

  test('one query by name is a document (YAML by default, JSON with --json)', async () => {
    const { specs } = await fleet.api.get('/spec/queries/multi%20line');
    expect(yamlDocs(ok(await get('query', 'multi line')))).toEqual([{ apiVersion: 'v1', kind: 'query', spec: specs }]);
    expect(jsonDocs(ok(await get('q', 'multi line', '--json')))).toEqual([{ apiVersion: 'v1', kind: 'query', spec: specs }]);
  });

  test('an unknown name is a one-line error and a non-zero exit, for every kind', async () => {
    expect(oneLineError(await get('query', 'nope'))).toBe('Resource Not Found: Query nope was not found in the datastore');
    expect(oneLineError(await get('pack', 'nope'))).toBe('Resource Not Found: Pack nope was not found in the datastore');
    expect(oneLineError(await get('label', 'nope'))).toBe('Resource Not Found: Label nope was not found in the datastore');
    expect(oneLineError(await get('host', 'nope'))).toBe('Resource Not Found: Host nope was not found in the datastore');
    expect(oneLineError(await get('enroll_secret', 'nope'))).toBe('no enroll secret named "nope"');
  });

  test('packs: a table (name, platform, description), documents, and one by name', async () => {
    const table = ok(await get('packs'));
    expect(table).toMatch(/\| NAME +\| PLATFORM +\| DESCRIPTION +\|/);
    expect(table).toMatch(/\| monitoring +\| linux +\| Heartbeat +\|/);
    expect(ok(await get('p'))).toBe(table);
    const { specs } = await fleet.api.get('/spec/packs');
    expect(yamlDocs(ok(await get('pack', '--yaml')))).toEqual(specs.map((spec: unknown) => ({ apiVersion: 'v1', kind: 'pack', spec })));
    const one = (await fleet.api.get('/spec/packs/monitoring')).specs;
    expect(yamlDocs(ok(await get('pack', 'monitoring')))).toEqual([{ apiVersion: 'v1', kind: 'pack', spec: one }]);
  });

  test('packs --with-queries adds each scheduled query once, so the output applies on an empty server', async () => {
    const docs = yamlDocs(ok(await get('packs', '--yaml', '--with-queries')));
    expect(docs.map((d) => `${d.kind}:${d.spec.name}`)).toEqual(['pack:monitoring', 'pack:empty pack', 'query:uptime', 'query:multi line']);
    const single = jsonDocs(ok(await get('pack', 'monitoring', '--json', '--with-queries')));
    expect(single.map((d) => `${d.kind}:${d.spec.name}`)).toEqual(['pack:monitoring', 'query:uptime', 'query:multi line']);
  });

  test('labels: a table (name, platform, description, query); built-ins keep label_type builtin', async () => {
    const table = ok(await get('labels'));
    expect(table).toMatch(/\| NAME +\| PLATFORM +\| DESCRIPTION +\| QUERY +\|/);
    expect(table).toMatch(/\| macOS +\| darwin +\| All macOS hosts +\| select 1 from os_version where platform = 'darwin'; +\|/);
    expect(ok(await get('l'))).toBe(table);
    const docs = yamlDocs(ok(await get('labels', '--yaml')));
    expect(docs.find((d) => d.spec.name === 'All Hosts').spec.label_type).toBe('builtin');
    expect(docs.find((d) => d.spec.name === 'laptops').spec).toMatchObject({ label_membership_type: 'manual', hosts: [hostname] });
    expect(yamlDocs(ok(await get('label', 'laptops')))[0].spec).toEqual((await fleet.api.get('/spec/labels/laptops')).specs);
  });

  test('options: a document of kind options', async () => {
    const { spec } = await fleet.api.get('/spec/osquery_options');
    expect(yamlDocs(ok(await get('options')))).toEqual([{ apiVersion: 'v1', kind: 'options', spec }]);
    expect(jsonDocs(ok(await get('options', '--json')))).toEqual([{ apiVersion: 'v1', kind: 'options', spec }]);
  });

  test('enroll secrets: a document under every alias; with a name, only that secret value', async () => {
    const { specs } = await fleet.api.get('/spec/enroll_secret');
    for (const alias of ['enroll_secret', 'enroll_secrets', 'enroll-secret', 'enroll-secrets']) {
      expect(yamlDocs(ok(await get(alias)))).toEqual([{ apiVersion: 'v1', kind: 'enroll_secret', spec: specs }]);
    }
    const secret = specs.secrets.find((s: { name: string }) => s.name === 'default').secret;
    expect(ok(await get('enroll_secret', 'default'))).toBe(`${secret}\n`);
  });

  test('config: a document of kind config with the app config the admin sees', async () => {
    const config = await fleet.api.get('/config');
    expect(yamlDocs(ok(await get('config')))).toEqual([{ apiVersion: 'v1', kind: 'config', spec: config }]);
  });

  test('hosts: a table (uuid, hostname, platform, osquery_version, status), documents of kind host, one by identifier', async () => {
    const { hosts } = await fleet.api.get('/hosts');
    const table = ok(await get('hosts'));
    expect(table).toMatch(/\| UUID +\| HOSTNAME +\| PLATFORM +\| OSQUERY_VERSION +\| STATUS +\|/);
    const h = hosts[0];
    expect(table).toMatch(new RegExp(`\\| ${h.uuid} +\\| ${h.hostname} +\\| ${h.platform} +\\| ${h.osquery_version} +\\| ${h.status} +\\|`));
    expect(h.hostname).toBe(hostname);
    expect(ok(await get('h'))).toBe(table);
    expect(yamlDocs(ok(await get('hosts', '--yaml')))).toEqual(hosts.map((spec: unknown) => ({ apiVersion: 'v1', kind: 'host', spec })));
    const { host } = await fleet.api.get(`/hosts/identifier/${hostname}`);
    expect(jsonDocs(ok(await get('host', hostname, '--json')))).toEqual([{ apiVersion: 'v1', kind: 'host', spec: host }]);
  });

  test('carves: a table, one carve as YAML, and its data byte for byte', async () => {
    const table = ok(await get('carves'));
    expect(table).toMatch(/\| ID +\| CREATED_AT +\| REQUEST_ID +\| CARVE_SIZE +\| COMPLETION +\|/);
    expect(table).toMatch(new RegExp(`\\| ${carveId} +\\| .+ \\| ${carved.length} +\\| 100% +\\|`));
    const { carve: shown } = await fleet.api.get(`/carves/${carveId}`);
    expect(yamlDocs(ok(await get('carve', String(carveId))))).toEqual([shown]);
    const outfile = join(home.dir, 'carve.tar');
    const res = await get('carve', String(carveId), '--outfile', outfile);
    expect(res.code).toBe(0);
    expect(readFileSync(outfile).equals(carved)).toBe(true);
    expect(oneLineError(await get('carve', 'abc'))).toBe('carve id must be a number, got "abc"');
    expect(oneLineError(await get('carve', '999'))).toBe('Resource Not Found: Carve 999 was not found in the datastore');
  });

  test('carve --stdout writes the raw data', async () => {
    const res = await new Promise<Buffer>((resolve, reject) => {
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      const child = spawn(process.execPath, [join(__dirname, 'fleetctl-entry.js'), 'get', 'carve', String(carveId), '--stdout'], { env: { PATH: process.env.PATH, HOME: home.dir } });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`exit ${code}`))));
    });
    expect(res.equals(carved)).toBe(true);
  });

  test('--yaml and --json together are refused', async () => {
    expect(oneLineError(await get('queries', '--yaml', '--json'))).toBe('--yaml and --json cannot be used together');
  });
});

describe('fleetctl get on an empty server', () => {
  let fleet: RunningFleet;
  let home: FleetctlHome;
  adminFleetctl((f, h) => {
    fleet = f;
    home = h;
  });

  test('says so in place of an empty table', async () => {
    expect(await home.run(['get', 'queries'])).toEqual({ code: 0, stdout: 'No queries found\n', stderr: '' });
    expect(await home.run(['get', 'packs'])).toEqual({ code: 0, stdout: 'No packs found\n', stderr: '' });
    expect(await home.run(['get', 'hosts'])).toEqual({ code: 0, stdout: 'No hosts found\n', stderr: '' });
    expect(await home.run(['get', 'carves'])).toEqual({ code: 0, stdout: 'No carves found\n', stderr: '' });
  });

  test('with --yaml/--json the note goes to stderr, so stdout can still be piped into apply', async () => {
    expect(await home.run(['get', 'queries', '--yaml'])).toEqual({ code: 0, stdout: '', stderr: 'No queries found\n' });
    expect(await home.run(['get', 'packs', '--json'])).toEqual({ code: 0, stdout: '', stderr: 'No packs found\n' });
  });
});

describe('fleetctl apply', () => {
  let fleet: RunningFleet;
  let home: FleetctlHome;
  let hostname: string;
  const apply = (file: string) => home.run(['apply', '-f', file]);

  adminFleetctl((f, h) => {
    fleet = f;
    home = h;
  });
  beforeAll(async () => {
    hostname = `lap-${randomBytes(3).toString('hex')}`;
    await enroll(fleet, hostname);
  });

  test('a file with every kind: one call per kind, in order, each reported', async () => {
    const file = home.file(
      'everything.yml',
      `apiVersion: v1
kind: enroll_secret
spec:
  secrets:
    - {name: default, secret: s3cr3t, active: true}
---
apiVersion: v1
kind: Pack
spec:
  name: monitoring
  targets:
    labels: [All Hosts, dev_laptops]
  queries:
    - query: osquery_info
      name: osquery_info_snapshot
      interval: 3600
      snapshot: true
---
apiVersion: v1
kind: config
spec:
  org_info: {org_name: Applied Inc}
---
apiVersion: v1
kind: label
spec:
  name: dev_laptops
  label_membership_type: manual
  hosts: [${hostname}, not-enrolled]
---\t
apiVersion: v1
kind: options
spec:
  config:
    options: {distributed_interval: 10, logger_plugin: tls}
  overrides:
    platforms:
      darwin:
        options: {distributed_interval: 30}
---
apiVersion: v1
kind: query
spec:
  name: osquery_info
  description: Heartbeat
  query: select * from osquery_info;
  support: {osquery: 4.0.0}
`,
    );
    expect(await apply(file)).toEqual({
      code: 0,
      stdout: [
        '[+] applied 1 queries',
        '[+] applied 1 labels',
        '[+] applied 1 packs',
        '[+] applied osquery options',
        '[+] applied fleet config',
        '[+] applied enroll secrets',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect((await fleet.api.get('/spec/queries/osquery_info')).specs).toEqual({ name: 'osquery_info', description: 'Heartbeat', query: 'select * from osquery_info;' });
    expect((await fleet.api.get('/spec/labels/dev_laptops')).specs).toMatchObject({ label_membership_type: 'manual', hosts: [hostname] });
    expect((await fleet.api.get('/spec/packs/monitoring')).specs).toMatchObject({
      targets: { labels: ['All Hosts', 'dev_laptops'] },
      queries: [{ query: 'osquery_info', name: 'osquery_info_snapshot', interval: 3600, snapshot: true }],
    });
    expect((await fleet.api.get('/spec/osquery_options')).spec).toEqual({
      config: { options: { distributed_interval: 10, logger_plugin: 'tls' } },
      overrides: { platforms: { darwin: { options: { distributed_interval: 30 } } } },
    });
    expect((await fleet.api.get('/config')).org_info.org_name).toBe('Applied Inc');
    expect((await fleet.api.get('/spec/enroll_secret')).specs.secrets).toEqual([expect.objectContaining({ name: 'default', secret: 's3cr3t', active: true })]);
  });

  test('reads standard input with -f -', async () => {
    const res = await home.run(['apply', '-f', '-'], { input: 'kind: query\nspec: {name: from_stdin, query: select 1}\n' });
    expect(res).toEqual({ code: 0, stdout: '[+] applied 1 queries\n', stderr: '' });
    expect((await fleet.api.get('/spec/queries/from_stdin')).specs.query).toBe('select 1');
  });

  describe('round trips: applying what get printed changes nothing', () => {
    beforeAll(() => seed(fleet, hostname));

    test.each([
      ['queries', '--yaml'],
      ['packs', '--yaml'],
      ['labels', '--yaml'],
      ['options', '--yaml'],
      ['enroll_secret', '--yaml'],
      ['config', '--yaml'],
      ['queries', '--json'],
      ['packs', '--json'],
      ['labels', '--json'],
      ['options', '--json'],
      ['enroll_secret', '--json'],
      ['config', '--json'],
    ])('get %s %s | apply -f -', async (what, format) => {
      const before = await serverState(fleet);
      const printed = ok(await home.run(['get', what, format]));
      const res = await home.run(['apply', '-f', '-'], { input: printed });
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^\[\+\] applied /); // something was really sent
      expect(await serverState(fleet)).toEqual(before);
    });

    test('the whole export in one file (get of every kind, concatenated) applies back unchanged', async () => {
      const before = await serverState(fleet);
      const parts = await Promise.all(['queries', 'labels', 'packs', 'options', 'enroll_secret', 'config'].map(async (what) => ok(await home.run(['get', what, '--yaml']))));
      const res = await apply(home.file('export.yml', parts.join('')));
      expect(res.stdout.trim().split('\n').length).toBe(6);
      expect(await serverState(fleet)).toEqual(before);
    });

    test('packs --with-queries output recreates a deleted pack and its queries as they were', async () => {
      const printed = ok(await home.run(['get', 'pack', 'monitoring', '--yaml', '--with-queries']));
      const before = await serverState(fleet);
      for (const path of ['/packs/monitoring', '/queries/uptime', '/queries/multi%20line']) expect((await fleet.api.request('DELETE', path)).status).toBe(200);
      expect(ok(await home.run(['apply', '-f', '-'], { input: printed }))).toBe('[+] applied 2 queries\n[+] applied 1 packs\n');
      // A recreated pack has a new id (and so lists last); everything else is as before.
      const withoutPackIds = (state: Record<string, any>) => ({
        ...state,
        '/spec/packs': state['/spec/packs'].specs.map(({ id: _id, ...spec }: any) => spec).sort((a: any, b: any) => a.name.localeCompare(b.name)),
        '/spec/queries': [...state['/spec/queries'].specs].sort((a: any, b: any) => a.name.localeCompare(b.name)),
      });
      expect(withoutPackIds(await serverState(fleet))).toEqual(withoutPackIds(before));
    });

    test('host documents are skipped with a notice, so get hosts --yaml | apply -f - succeeds', async () => {
      const printed = ok(await home.run(['get', 'hosts', '--yaml']));
      const before = await serverState(fleet);
      expect(await home.run(['apply', '-f', '-'], { input: printed })).toEqual({
        code: 0,
        stdout: '',
        stderr: '[!] skipped 1 host document: hosts are enrolled by osquery, not applied\n[!] nothing to apply in stdin\n',
      });
      expect(await serverState(fleet)).toEqual(before);
    });
  });

  describe('a bad file is refused before anything is sent', () => {
    // Each file starts with a valid query: finding it on the server would mean a partial apply.
    const head = (name: string) => `apiVersion: v1\nkind: query\nspec:\n  name: ${name}\n  query: select 1;\n---\n`;
    const notApplied = async (name: string) => expect((await fleet.api.request('GET', `/spec/queries/${name}`)).status).toBe(404);

    test('invalid YAML', async () => {
      const file = home.file('broken.yml', `${head('broken_1')}apiVersion: v1\nkind: query\nspec:\n  name: [unclosed\n  query: x\n`);
      expect(oneLineError(await apply(file))).toMatch(/^\/.*broken\.yml: document 2 \(line 1[01]\): invalid YAML: .+/);
      await notApplied('broken_1');
    });

    test('an unknown kind', async () => {
      const file = home.file('packs.yml', `${head('unknown_1')}apiVersion: v1\nkind: pak\nspec:\n  name: x\n`);
      expect(oneLineError(await apply(file))).toBe(`${file}: document 2 (line 7): unknown kind "pak"`);
      await notApplied('unknown_1');
    });

    test('a document without spec', async () => {
      const file = home.file('nospec.yml', `${head('nospec_1')}apiVersion: v1\nkind: label\n`);
      expect(oneLineError(await apply(file))).toBe(`${file}: document 2 (line 7): no spec field on "label" document`);
      await notApplied('nospec_1');
    });

    test('options twice', async () => {
      const options = 'apiVersion: v1\nkind: options\nspec:\n  config: {options: {distributed_interval: 10}}\n';
      const file = home.file('options.yml', `${head('options_1')}${options}---\n${options}`);
      expect(oneLineError(await apply(file))).toBe(`${file}: document 3 (line 12): options defined twice in the same file`);
      await notApplied('options_1');
    });

    test('a pack scheduling a query that exists neither in the file nor on the server', async () => {
      const pack = 'apiVersion: v1\nkind: pack\nspec:\n  name: bad_pack\n  queries:\n    - {query: missing_query, interval: 60}\n';
      const file = home.file('badpack.yml', `${head('badpack_1')}${pack}`);
      expect(oneLineError(await apply(file))).toBe(`${file}: document 2 (line 7): pack "bad_pack" schedules unknown query "missing_query" (not in this file nor on the server)`);
      await notApplied('badpack_1');
      expect((await fleet.api.request('GET', '/spec/packs/bad_pack')).status).toBe(404);
    });

    test('a missing file', async () => {
      expect(oneLineError(await apply(join(home.dir, 'nope.yml')))).toBe(`cannot read ${join(home.dir, 'nope.yml')}: no such file`);
    });
  });

  test("a server 422 is one line naming the document, and that call's other specs are not applied", async () => {
    const file = home.file(
      'labels.yml',
      'apiVersion: v1\nkind: label\nspec: {name: fine_label, query: select 1;}\n---\napiVersion: v1\nkind: label\nspec:\n  name: All Hosts\n  query: select 2;\n  label_type: builtin\n',
    );
    expect(oneLineError(await apply(file))).toBe(`applying labels: Validation Failed: cannot modify built-in label All Hosts`);
    expect((await fleet.api.request('GET', '/spec/labels/fine_label')).status).toBe(404);
    expect((await fleet.api.get('/spec/labels/All%20Hosts')).specs.query).toBe('select 1;');


    // Both packs go in one call: the server applies all of them or none.
    expect((await fleet.api.request('POST', '/spec/queries', { specs: [{ name: 'osquery_info', query: 'select 1;' }] })).status).toBe(200);
    const packs = home.file(
      'platform.yml',
      'apiVersion: v1\nkind: pack\nspec: {name: p_fine}\n---\napiVersion: v1\nkind: pack\nspec:\n  name: p_bad\n  queries:\n    - {query: osquery_info, interval: 60, platform: "be os"}\n',
    );
    const where = `(${packs}: document 2 (line 5), field queries.0.platform)`;
    expect(oneLineError(await apply(packs))).toMatch(/^applying packs: Validation Failed: must be empty or a comma-separated list of lowercase platform names .+ \(/);
    expect(oneLineError(await apply(packs)).endsWith(where)).toBe(true);
    for (const name of ['p_fine', 'p_bad']) expect((await fleet.api.request('GET', `/spec/packs/${name}`)).status).toBe(404);
  });

  test('a bad token is a one-line 401 error', async () => {
    const other = new FleetctlHome();
    try {
      other.writeContext({ address: fleet.server.url, token: 'not-a-session' });
      const file = other.file('q.yml', 'kind: query\nspec: {name: unauth, query: select 1}\n');
      expect(oneLineError(await other.run(['apply', '-f', file]))).toBe('applying queries: Authentication Failed: username or email and password do not match');
      expect(oneLineError(await other.run(['get', 'queries']))).toBe('Authentication Failed: username or email and password do not match');
      expect(oneLineError(await other.run(['delete', '-f', file]))).toMatch(/^deleting query "unauth": Authentication Failed/);
    } finally {
      other.remove();
    }
  });

  test('a server that is not there is a one-line connection error', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const other = new FleetctlHome();
    try {
      other.writeContext({ address: `http://127.0.0.1:${port}`, token: 't' });
      const file = other.file('q.yml', 'kind: query\nspec: {name: q, query: select 1}\n');
      expect(oneLineError(await other.run(['apply', '-f', file]))).toBe(`cannot reach the Fleet server at http://127.0.0.1:${port}: ECONNREFUSED`);
      expect(oneLineError(await other.run(['get', 'packs']))).toBe(`cannot reach the Fleet server at http://127.0.0.1:${port}: ECONNREFUSED`);
    } finally {
      other.remove();
    }
  });
});

describe('fleetctl delete', () => {
  let fleet: RunningFleet;
  let home: FleetctlHome;
  adminFleetctl((f, h) => {
    fleet = f;
    home = h;
  });

  test('deletes the queries, packs and labels a file names; what is already gone is reported, not fatal', async () => {
    const file = home.file(
      'delete.yml',
      [
        'apiVersion: v1\nkind: label\nspec: {name: "ops/labs 100%", query: select 1;}',
        'apiVersion: v1\nkind: pack\nspec: {name: "weekly pack", queries: [{query: "ops/query?x=1", interval: 60}]}',
        'apiVersion: v1\nkind: query\nspec: {name: "ops/query?x=1", query: select 1;}',
        'apiVersion: v1\nkind: options\nspec: {config: {options: {distributed_interval: 99}}}',
      ].join('\n---\n'),
    );
    ok(await home.run(['apply', '-f', file]));
    const optionsBefore = await fleet.api.get('/spec/osquery_options');

    expect(await home.run(['delete', '-f', file])).toEqual({
      code: 0,
      stdout: '[+] deleted query "ops/query?x=1"\n[+] deleted pack "weekly pack"\n[+] deleted label "ops/labs 100%"\n',
      stderr: '',
    });
    for (const path of ['/spec/queries/ops%2Fquery%3Fx%3D1', '/spec/packs/weekly%20pack', '/spec/labels/ops%2Flabs%20100%25']) {
      expect((await fleet.api.request('GET', path)).status).toBe(404);
    }
    expect(await fleet.api.get('/spec/osquery_options')).toEqual(optionsBefore);

    expect(await home.run(['delete', '-f', file])).toEqual({
      code: 0,
      stdout: `[!] query "ops/query?x=1" doesn't exist\n[!] pack "weekly pack" doesn't exist\n[!] label "ops/labs 100%" doesn't exist\n`,
      stderr: '',
    });
  });

  test('a bad file is refused with its position, before anything is deleted', async () => {
    ok(await home.run(['apply', '-f', '-'], { input: 'kind: query\nspec: {name: keep_me, query: select 1}\n' }));
    const file = home.file('bad-delete.yml', 'kind: query\nspec: {name: keep_me}\n---\nkind: quer\nspec: {name: x}\n');
    expect(oneLineError(await home.run(['delete', '-f', file]))).toBe(`${file}: document 2 (line 4): unknown kind "quer"`);
    expect((await fleet.api.get('/spec/queries/keep_me')).specs.name).toBe('keep_me');
  });
});

describe('fleetctl convert', () => {
  let fleet: RunningFleet;
  let home: FleetctlHome;
  adminFleetctl((f, h) => {
    fleet = f;
    home = h;
  });

  test('an osquery pack becomes a pack document named after the file plus one query document per query', async () => {
    const out = ok(await home.run(['convert', '-f', join(PACKS, 'osquery-monitoring.conf')]));
    expect(yamlDocs(out).map((d) => `${d.kind}:${d.spec.name}`)).toEqual(['pack:osquery-monitoring', 'query:schedule', 'query:events', 'query:osquery_info']);
  });

  test('its output applies, and the server then schedules the queries as the pack said', async () => {
    const out = ok(await home.run(['convert', '-f', join(PACKS, 'osquery-monitoring.conf')]));
    expect(ok(await home.run(['apply', '-f', '-'], { input: out }))).toBe('[+] applied 3 queries\n[+] applied 1 packs\n');
    const pack = (await fleet.api.get('/spec/packs/osquery-monitoring')).specs;
    expect(pack.queries).toEqual([
      expect.objectContaining({ query: 'schedule', name: 'schedule', interval: 7200, removed: false, denylist: false, version: '2.11.0' }),
      expect.objectContaining({ query: 'events', name: 'events', interval: 86400 }),
      expect.objectContaining({ query: 'osquery_info', name: 'osquery_info', interval: 600 }),
    ]);
    const info = (await fleet.api.get('/spec/queries/osquery_info')).specs;
    expect(info.description).toBe('A heartbeat counter that reports general performance (CPU, memory) and version.');
  });

  test('a pack with continued lines and string intervals (osx-attacks) applies too', async () => {
    const out = ok(await home.run(['convert', '-f', join(PACKS, 'osx-attacks.conf')]));
    expect(ok(await home.run(['apply', '-f', '-'], { input: out }))).toBe('[+] applied 74 queries\n[+] applied 1 packs\n');
    expect((await fleet.api.get('/spec/queries/WireLurker')).specs.query).toMatch(/^select \* from launchd where\n +name = /);
    // 73 string intervals ("3600") and one number (1200).
    const intervals = (await fleet.api.get('/spec/packs/osx-attacks')).specs.queries.map((q: { interval: number }) => q.interval);
    expect(intervals.filter((i: number) => i === 3600).length).toBe(73);
    expect(intervals.filter((i: number) => i === 1200).length).toBe(1);
  });

  test('every osquery pack in the fixtures converts and applies, with every query scheduled', async () => {
    const files = readdirSync(PACKS).filter((f) => f.endsWith('.conf'));
    expect(files.length).toBe(10);
    for (const file of files) {
      const out = ok(await home.run(['convert', '-f', join(PACKS, file)]));
      const queries = yamlDocs(out).filter((d) => d.kind === 'query').length;
      expect(ok(await home.run(['apply', '-f', '-'], { input: out }))).toBe(`[+] applied ${queries} queries\n[+] applied 1 packs\n`);
      const pack = (await fleet.api.get(`/spec/packs/${file.replace(/\.conf$/, '')}`)).specs;
      expect(pack.queries).toHaveLength(queries);
    }
  });

  test('a file that is not a pack is a one-line error naming it', async () => {
    const file = home.file('broken.conf', '{"queries": {"q": {"query": "select 1", "interval": "often"}}}');
    expect(oneLineError(await home.run(['convert', '-f', file]))).toBe(`${file}: query "q": interval "often" is not a whole number`);
    const notJson = home.file('notjson.conf', '{\n  "queries": {,}\n}\n');
    expect(oneLineError(await home.run(['convert', '-f', notJson]))).toMatch(new RegExp(`^${notJson.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: invalid JSON at line 2: `));
  });
});
