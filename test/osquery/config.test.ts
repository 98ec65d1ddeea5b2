import { defaultOptionsSpec } from '../../internal/fleet';
import { countingDatastore, fixtureWithKey, startAgentApp, type AgentTestApp } from './support';
import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';

describe('POST /api/v1/osquery/config', () => {
  let t: AgentTestApp;
  afterEach(async () => t?.close());

  it('returns the default options object itself (no packs key without packs)', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    const res = await t.post('config', fixtureWithKey('config.json', nodeKey));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual(defaultOptionsSpec().config);
    expect(res.body).not.toHaveProperty('packs');
  });

  it('a platform override replaces the default wholesale; other platforms keep the default', async () => {
    t = await startAgentApp();
    const darwin = { options: { distributed_interval: 30, config_refresh: 120 }, file_paths: { homes: ['/Users/%%'] } };
    await t.services.appConfig.applyOsqueryOptions({ config: defaultOptionsSpec().config, overrides: { platforms: { darwin } } });
    const mac = await t.enroll('darwin');
    const ubuntu = await t.enroll('ubuntu');
    expect((await t.post('config', { node_key: mac.nodeKey })).body).toEqual(darwin);
    expect((await t.post('config', { node_key: ubuntu.nodeKey })).body).toEqual(defaultOptionsSpec().config);
  });

  it('picks up applied options at once (agent-config-changed)', async () => {
    t = await startAgentApp();
    const { nodeKey } = await t.enroll('ubuntu');
    expect((await t.post('config', { node_key: nodeKey })).body).toEqual(defaultOptionsSpec().config);
    const next = { options: { distributed_interval: 60, logger_tls_period: '20' }, decorators: { load: [] } };
    await t.services.appConfig.applyOsqueryOptions({ config: next, overrides: {} });
    expect((await t.post('config', { node_key: nodeKey })).body).toEqual(next);
  });

  it('sets the host intervals from the options only when they differ', async () => {
    const counting = countingDatastore(new InmemDatastore());
    t = await startAgentApp({ datastore: counting.ds });
    const { nodeKey, hostId } = await t.enroll('ubuntu');
    expect(await t.ds.host(hostId)).toMatchObject({ distributed_interval: 0, logger_tls_period: 0, config_tls_refresh: 0 });
    await t.post('config', { node_key: nodeKey });
    expect(await t.ds.host(hostId)).toMatchObject({ distributed_interval: 10, logger_tls_period: 10, config_tls_refresh: 0 });

    counting.reset();
    await t.post('config', { node_key: nodeKey });
    expect(counting.calls).toEqual([]); // same values: no write, and options come from memory

    await t.services.appConfig.applyOsqueryOptions({
      config: { options: { distributed_interval: '15', logger_tls_period: 10, config_refresh: 300 } },
      overrides: {},
    });
    counting.reset();
    await t.post('config', { node_key: nodeKey });
    // agent-config-changed reloads the options and the packs once.
    expect(counting.calls).toEqual(['osqueryOptions', 'allPacksForAgents', 'updateHost']);
    expect(await t.ds.host(hostId)).toMatchObject({ distributed_interval: 15, logger_tls_period: 10, config_tls_refresh: 300 });
  });

  it('node key errors are node_invalid', async () => {
    t = await startAgentApp();
    expect((await t.post('config', {})).body).toEqual({ error: 'authentication error: missing node key', node_invalid: true });
    const res = await t.post('config', { node_key: 'bogus' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'authentication error: invalid node key: bogus', node_invalid: true });
  });
});
