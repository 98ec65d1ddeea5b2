// fleetctl's YAML document files (spec rest-api.md §16.2): how a file is cut into documents,
// what is refused (always naming the file and the document's position), and that what `get`
// prints reads back as the same specs.
import { jsonDocuments, parseSpecFile, yamlDocuments, type SpecGroup } from '../../cmd/fleetctl/yaml-docs';

const parse = (text: string, file = 'specs.yml'): SpecGroup => parseSpecFile(text, file);
const failure = (text: string, file = 'specs.yml'): string => {
  try {
    parse(text, file);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
};

const QUERY = 'apiVersion: v1\nkind: query\nspec:\n  name: uptime\n  query: select * from uptime;\n';
const LABEL = 'apiVersion: v1\nkind: label\nspec:\n  name: dev\n  label_membership_type: manual\n  hosts: [a, b]\n';
const PACK = 'apiVersion: v1\nkind: pack\nspec:\n  name: mon\n  targets:\n    labels: [All Hosts]\n  queries:\n    - query: uptime\n      interval: 60\n';
const OPTIONS = 'apiVersion: v1\nkind: options\nspec:\n  config:\n    options: {distributed_interval: 10}\n';
const SECRET = (value: string) => `apiVersion: v1\nkind: enroll_secret\nspec:\n  secrets:\n    - {name: default, secret: ${value}, active: true}\n`;
const CONFIG = 'apiVersion: v1\nkind: config\nspec:\n  org_info: {org_name: Acme}\n';

describe('cutting a file into documents', () => {
  test('documents are grouped by kind, keep file order, and know their number and first line', () => {
    const g = parse(`${QUERY}---\n${PACK}---\n${LABEL}---\n${QUERY.replace('uptime', 'second')}`);
    expect(g.queries.map((d) => [d.spec.name, d.index, d.line])).toEqual([
      ['uptime', 1, 1],
      ['second', 4, 24],
    ]);
    expect(g.packs.map((d) => [d.spec.name, d.index, d.line])).toEqual([['mon', 2, 7]]);
    expect(g.labels[0]!.spec).toEqual({ name: 'dev', label_membership_type: 'manual', hosts: ['a', 'b'] });
  });

  test('a separator may be followed by spaces or tabs, and a leading separator is fine', () => {
    const g = parse(`---\n${QUERY}--- \t\n${LABEL}---\t\n${PACK}`);
    expect([g.queries.length, g.labels.length, g.packs.length]).toEqual([1, 1, 1]);
  });

  test('only lines starting with --- separate documents (not --- inside a string)', () => {
    const g = parse('kind: query\nspec:\n  name: dashes\n  query: |\n    select 1\n    ---\n    -- comment\n');
    expect(g.queries[0]!.spec.query).toBe('select 1\n---\n-- comment\n');
  });

  test('empty and comment-only documents are skipped and not counted', () => {
    const g = parse(`---\n\n---\n# nothing here\n---\n${QUERY}---\n---\n`);
    expect(g.queries.map((d) => d.index)).toEqual([1]);
    expect(failure(`---\n# c\n---\n${QUERY}---\n\n---\napiVersion: v1\nkind: pak\nspec: {}\n`)).toBe('specs.yml: document 2 (line 12): unknown kind "pak"');
  });

  test('kind is case-insensitive', () => {
    const g = parse('kind: Query\nspec: {name: a}\n---\nkind: ENROLL_SECRET\nspec: {secrets: []}\n');
    expect(g.queries[0]!.kind).toBe('query');
    expect(g.enrollSecret!.kind).toBe('enroll_secret');
  });

  test('a file of JSON objects, one a line (get --json), is one document per line', () => {
    const text = [
      '{"apiVersion":"v1","kind":"query","spec":{"name":"a","query":"select 1"}}',
      '',
      '{"apiVersion":"v1","kind":"label","spec":{"name":"l","query":"select 1"}}',
      '{"apiVersion":"v1","kind":"pak","spec":{}}',
    ].join('\n');
    expect(failure(text, 'out.json')).toBe('out.json: document 3 (line 4): unknown kind "pak"');
    const g = parse(text.split('\n').slice(0, 3).join('\n'));
    expect(g.queries[0]!.spec).toEqual({ name: 'a', query: 'select 1' });
    expect(g.labels[0]!.line).toBe(3);
  });

  test('a broken JSON line is reported with its line', () => {
    expect(failure('{"kind":"query","spec":{"name":"a"}}\n{"kind":"query", spec}\n')).toMatch(/^specs\.yml: document 2 \(line 2\): invalid JSON: /);
  });

  test('host documents (get hosts output) are collected apart, to be skipped by apply', () => {
    const g = parse('kind: host\nspec: {hostname: a, uuid: u}\n---\nkind: host\nspec: {hostname: b}\n');
    expect(g.hosts.length).toBe(2);
    expect(g.queries.length + g.labels.length + g.packs.length).toBe(0);
  });
});

describe('what a file may not contain', () => {
  test('an unknown kind names the file, the document number and its line', () => {
    const text = `${QUERY}---\n${LABEL}---\napiVersion: v1\nkind: pak\nspec:\n  name: x\n`;
    expect(failure(text, 'packs.yml')).toBe('packs.yml: document 3 (line 14): unknown kind "pak"');
  });

  test('a document without spec is refused, even with a known kind', () => {
    expect(failure(`${QUERY}---\napiVersion: v1\nkind: pack\n`)).toBe('specs.yml: document 2 (line 7): no spec field on "pack" document');
    expect(failure('kind: query\nspec:\n')).toBe('specs.yml: document 1 (line 1): no spec field on "query" document');
  });

  test('invalid YAML is one line with the line of the problem', () => {
    const msg = failure(`${QUERY}---\nkind: query\nspec:\n  name: [oops\n  query: x\n`);
    expect(msg).toMatch(/^specs\.yml: document 2 \(line \d+\): invalid YAML: /);
    expect(msg).not.toContain('\n');
    expect(failure('kind: query\nspec:\n  name: a\n  name: b\n')).toBe('specs.yml: document 1 (line 4): invalid YAML: Map keys must be unique');
    expect(failure('kind: query\n\tspec: x\n')).toMatch(/^specs\.yml: document 1 \(line 2\): invalid YAML: /);
  });

  test('a document that is not a mapping is refused', () => {
    expect(failure('- kind: query\n')).toBe('specs.yml: document 1 (line 1): a document must be a mapping with apiVersion, kind and spec');
  });

  test('options and config may appear only once', () => {
    expect(failure(`${OPTIONS}---\n${QUERY}---\n${OPTIONS}`)).toBe('specs.yml: document 3 (line 13): options defined twice in the same file');
    expect(failure(`${CONFIG}---\n${CONFIG}`)).toBe('specs.yml: document 2 (line 6): config defined twice in the same file');
  });

  test('several enroll_secret documents: the last wins; a config before them is fine (3.2.0 refused that)', () => {
    const g = parse(`${CONFIG}---\n${SECRET('first')}---\n${QUERY}---\n${SECRET('second')}`);
    expect(g.config!.spec).toEqual({ org_info: { org_name: 'Acme' } });
    expect(g.enrollSecret!.spec).toEqual({ secrets: [{ name: 'default', secret: 'second', active: true }] });
  });

  test('specs are checked for shape before anything is sent', () => {
    expect(failure('kind: query\nspec: {query: select 1}\n')).toBe('specs.yml: document 1 (line 1): query spec needs a name');
    expect(failure('kind: query\nspec: [a]\n')).toBe('specs.yml: document 1 (line 1): the spec of a "query" document must be a mapping');
    expect(failure('kind: pack\nspec:\n  name: p\n  queries:\n    - query: q\n      interval: "60"\n')).toBe(
      'specs.yml: document 1 (line 1): pack "p": queries[0]: interval must be a whole number of seconds',
    );
    expect(failure('kind: pack\nspec: {name: p, queries: [{interval: 60}]}\n')).toBe('specs.yml: document 1 (line 1): pack "p": queries[0] needs query: the name of a saved query');
    expect(failure('kind: pack\nspec: {name: p, targets: {labels: All Hosts}}\n')).toBe('specs.yml: document 1 (line 1): pack "p": targets.labels must be a list of names');
    expect(failure('kind: label\nspec: {name: l, hosts: a}\n')).toBe('specs.yml: document 1 (line 1): label "l": hosts must be a list of names');
    expect(failure('kind: options\nspec: {overrides: {}}\n')).toMatch(/options spec needs a config mapping/);
  });

  test('an enroll secret must say whether it is active (the server would read a missing flag as false)', () => {
    expect(failure('kind: enroll_secret\nspec:\n  secrets:\n    - {name: default, secret: s}\n')).toBe(
      'specs.yml: document 1 (line 1): enroll secret "default": active must be given (true or false)',
    );
    expect(failure('kind: enroll_secret\nspec: {secrets: {name: a}}\n')).toBe('specs.yml: document 1 (line 1): enroll_secret spec needs a secrets list');
  });
});

describe('printing documents', () => {
  // Strings YAML is picky about: they must come back exactly.
  const tricky = [
    'select * from processes where name = \'x\';',
    'select 1\nfrom  t\n  where a = "b"\n',
    '  leading and trailing spaces  ',
    'yes',
    'null',
    '~',
    '0123',
    '1e3',
    '# not a comment',
    'key: value',
    '- dash',
    '---',
    '--- inside',
    'tab\there',
    'ünïcødé ✓',
    '',
    'line ending with space \nnext',
    `${'x'.repeat(200)} long ${'y'.repeat(200)}`,
  ];

  test('YAML documents start with ---, carry apiVersion and kind, and read back identically', () => {
    const specs = tricky.map((query, i) => ({ name: `q${i}`, description: query, query }));
    const text = yamlDocuments(specs.map((spec) => ({ kind: 'query', spec })));
    expect(text.startsWith('---\napiVersion: v1\nkind: query\nspec:\n')).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith('---')).length).toBe(specs.length);
    expect(parse(text).queries.map((d) => d.spec)).toEqual(specs);
  });

  test('a long query is not folded over several lines', () => {
    const query = `select ${'a, '.repeat(60)}b from t;`;
    expect(yamlDocuments([{ kind: 'query', spec: { name: 'long', query } }])).toContain(`  query: ${query}\n`);
  });

  test('nested specs (packs, options, null targets, builtin labels) read back identically', () => {
    const docs = [
      { kind: 'pack' as const, spec: { id: 3, name: 'p', disabled: false, targets: { labels: null }, queries: [{ query: 'q', name: 'q', description: '', interval: 60, snapshot: true, shard: 5 }] } },
      { kind: 'options' as const, spec: { config: { options: { distributed_interval: 10, pack_delimiter: '/' }, decorators: { load: ['SELECT 1;'] } }, overrides: {} } },
      { kind: 'label' as const, spec: { ID: 0, name: 'All Hosts', description: 'x', query: 'select 1;', label_type: 'builtin', label_membership_type: 'dynamic' } },
      { kind: 'enroll_secret' as const, spec: { secrets: [{ name: 'default', secret: '12345', active: true, created_at: '2021-01-01T00:00:00Z' }] } },
    ];
    for (const print of [yamlDocuments, jsonDocuments]) {
      const g = parse(print(docs));
      expect([g.packs[0]!.spec, g.options!.spec, g.labels[0]!.spec, g.enrollSecret!.spec]).toEqual(docs.map((d) => d.spec));
    }
  });

  test('JSON documents are one object a line', () => {
    const text = jsonDocuments([
      { kind: 'query', spec: { name: 'a', query: 'select\n1' } },
      { kind: 'query', spec: { name: 'b', query: 'select 2' } },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { apiVersion: 'v1', kind: 'query', spec: { name: 'a', query: 'select\n1' } },
      { apiVersion: 'v1', kind: 'query', spec: { name: 'b', query: 'select 2' } },
    ]);
  });
});
