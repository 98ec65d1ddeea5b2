import { gzipSync } from 'node:zlib';
import { elementTexts, fixture, fixtureText, minifyJson, startAgentApp, type AgentTestApp, type Platform } from './support';

const LOG_FIXTURES: Array<[string, Platform]> = [
  ['log-status-osquery4.json', 'ubuntu'],
  ['log-status-osquery5.json', 'windows'],
  ['log-result-event.json', 'ubuntu'],
  ['log-result-event-numerics.json', 'centos'],
  ['log-result-batch.json', 'darwin'],
  ['log-result-snapshot.json', 'windows'],
  ['log-result-decorations-top-level.json', 'centos'],
];

/** The compact wire body osquery would send, with the test's node key. */
function wireBody(name: string, nodeKey: string): string {
  const text = minifyJson(fixtureText(name));
  return text.replace(/"node_key":"[^"]*"/, `"node_key":${JSON.stringify(nodeKey)}`);
}

describe('POST /api/v1/osquery/log', () => {
  let t: AgentTestApp;
  afterEach(async () => t?.close());

  it.each(LOG_FIXTURES)('%s: every line reaches its writer byte for byte', async (name, platform) => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll(platform);
    const body = wireBody(name, nodeKey);
    const res = await t.post('log', body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const type = (fixture(name) as { log_type: 'status' | 'result' }).log_type;
    const other = type === 'status' ? 'result' : 'status';
    const expected = elementTexts(body, 'data');
    expect(expected.length).toBe((fixture(name) as { data: unknown[] }).data.length);
    expect(t.logs.lines[type]).toEqual(expected);
    expect(t.logs.lines[other]).toEqual([]);
  });

  it('keeps the pretty-printed text of each element as sent', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('centos');
    const text = fixtureText('log-result-event-numerics.json').replace('PdKqRjXCaXfCloAen+DtKnVZ835khhdy', nodeKey);
    expect((await t.post('log', text)).status).toBe(200);
    expect(t.logs.lines.result).toEqual(elementTexts(text, 'data'));
    expect(t.logs.lines.result[0]).toContain('\n');
  });

  it('keeps 64-bit integers exactly (no JSON round trip)', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    const line = '{"name":"pack/x/y","columns":{"size":18446744073709551615},"numerics":true}';
    await t.post('log', `{"data":[${line}],"log_type":"result","node_key":${JSON.stringify(nodeKey)}}`);
    expect(t.logs.lines.result).toEqual([line]);
  });

  it('honours Content-Encoding: gzip (osquery --logger_tls_compress)', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('windows');
    const body = wireBody('log-result-snapshot.json', nodeKey);
    const res = await t
      .agent()
      .post('/api/v1/osquery/log')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((b: unknown) => b as string) // superagent would JSON-encode a Buffer
      .send(gzipSync(body));
    expect(res.status).toBe(200);
    expect(t.logs.lines.result).toEqual(elementTexts(body, 'data'));
  });

  it('refuses a gzip bomb by its decompressed size, and bad gzip', async () => {
    t = await startAgentApp({ agentLimits: { log: 1024 * 1024 } });
    const { nodeKey } = await t.enroll('ubuntu');
    const huge = `{"node_key":${JSON.stringify(nodeKey)},"log_type":"result","data":["${'A'.repeat(20 * 1024 * 1024)}"]}`;
    const bomb = gzipSync(huge);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const gz = (b: Buffer) =>
      t.agent().post('/api/v1/osquery/log').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').serialize((x: unknown) => x as string).send(b);
    const res = await gz(bomb);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/decompressed request body too large/);
    const bad = await gz(Buffer.from('not gzip at all'));
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'request body is not valid gzip' });
    expect(t.logs.lines.result).toEqual([]);
  });

  it('gzip is honoured only on /log', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    const res = await t
      .agent()
      .post('/api/v1/osquery/distributed/read')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((b: unknown) => b as string)
      .send(gzipSync(JSON.stringify({ node_key: nodeKey })));
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/unsupported content encoding/);
  });

  it('a writer failure is a 500 with the error text osquery logs (and it retries)', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    t.logs.failWith = new Error('disk full');
    const res = await t.post('log', wireBody('log-result-event.json', nodeKey));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'error writing result logs: disk full' });
    const status = await t.post('log', wireBody('log-status-osquery4.json', nodeKey));
    expect(status.body).toEqual({ error: 'error writing status logs: disk full' });
  });

  it('data that is not an array, and unknown log types, are 400s (Fleet quirks fixed)', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    for (const data of [{}, 'x', 1, null]) {
      const res = await t.post('log', { node_key: nodeKey, log_type: 'result', data });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'data must be an array of log lines' });
    }
    const res = await t.post('log', { node_key: nodeKey, log_type: 'snapshot', data: [] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unknown log type: snapshot' });
    expect((await t.post('log', { node_key: nodeKey, data: [] })).body).toEqual({ error: 'log_type must be a string' });
    expect((await t.post('log', { node_key: nodeKey, log_type: 'status', data: [] })).body).toEqual({});
  });

  it('requires a valid node key', async () => {
    t = await startAgentApp();
    const res = await t.post('log', { node_key: 'nope', log_type: 'result', data: [{}] });
    expect(res.status).toBe(401);
    expect(res.body.node_invalid).toBe(true);
    expect(t.logs.lines.result).toEqual([]);
  });
});
