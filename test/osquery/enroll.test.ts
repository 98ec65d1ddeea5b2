import { hashToken } from '../../internal/crypto/tokens';
import { NEVER_UPDATED } from '../../internal/fleet';
import { fixture, fixtureText, PLATFORMS, startAgentApp, type AgentTestApp, type Platform } from './support';

describe('POST /api/v1/osquery/enroll', () => {
  let t: AgentTestApp;
  afterEach(async () => t?.close());

  const expected: Record<Platform, Record<string, unknown>> = {
    ubuntu: {
      osquery_host_id: 'ci-runner-07',
      hostname: 'ci-runner-07.build.example.com',
      platform: 'ubuntu',
      os_version: 'Ubuntu 20.04.0',
      osquery_version: '4.6.0',
      code_name: 'focal',
      cpu_brand: 'Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz',
      memory: 33446428672,
      cpu_physical_cores: 8,
      cpu_logical_cores: 16,
      hardware_model: 'OptiPlex 7080',
      computer_name: 'ci-runner-07',
      enroll_secret_name: 'default',
    },
    centos: {
      osquery_host_id: '8F3C2A71-6B0D-4E59-A1C7-3D92E4B07F15',
      hostname: 'db-02.int.example.com',
      platform: 'rhel',
      os_version: 'CentOS Linux 7.9.2009',
      osquery_version: '4.5.1',
      cpu_brand: 'Intel Xeon Processor (Cascadelake)',
      enroll_secret_name: 'default',
    },
    darwin: {
      osquery_host_id: 'Jordans-MacBook-Pro.local',
      hostname: 'Jordans-MacBook-Pro.local',
      platform: 'darwin',
      os_version: 'Mac OS X 10.15.7',
      osquery_version: '4.7.0',
      computer_name: 'Jordan\u2019s MacBook Pro',
      enroll_secret_name: 'default',
    },
    windows: {
      osquery_host_id: '0E5C7A41-3B2D-11B2-A85C-9E1D3F7B6C20',
      hostname: 'LT-0193.corp.example.com',
      platform: 'windows',
      os_version: 'Microsoft Windows 11 Pro 10.0',
      osquery_version: '5.12.1',
      enroll_secret_name: 'windows',
    },
  };

  it.each(PLATFORMS)('enrolls the %s fixture host with facts from host_details', async (platform) => {
    t = await startAgentApp();
    const res = await t.post('enroll', fixtureText(`enroll-${platform}.json`));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(res.body)).toEqual(['node_key']);
    const nodeKey = res.body.node_key as string;
    expect(Buffer.from(nodeKey, 'base64')).toHaveLength(32);
    expect(nodeKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const host = (await t.ds.hostByNodeKeyHash(hashToken(nodeKey)))!;
    expect(host).toMatchObject(expected[platform]);
    // Enrollment facts do not count as a detail update: the first read gets every query.
    expect(host.detail_updated_at).toEqual(NEVER_UPDATED);
    expect(host.label_updated_at).toEqual(NEVER_UPDATED);
    // Member of All Hosts from the start.
    expect((await t.ds.labelsForHost(host.id)).map((l) => l.name)).toContain('All Hosts');
  });

  it('stores only the hash of the node key', async () => {
    t = await startAgentApp();
    const { nodeKey, hostId } = await t.enroll('ubuntu');
    const host = await t.ds.host(hostId);
    expect(host.node_key_hash).toBe(hashToken(nodeKey));
    expect(JSON.stringify(host)).not.toContain(nodeKey);
  });

  it('re-enrollment keeps the host id and kills the old key', async () => {
    t = await startAgentApp();
    const first = await t.enroll('darwin');
    // The old key works (and is cached) before re-enrollment.
    expect((await t.post('distributed/read', { node_key: first.nodeKey })).status).toBe(200);
    const revoked: string[] = [];
    t.bus.subscribe((e) => e.kind === 'node-key-revoked' && revoked.push(e.nodeKeyHash));

    const second = await t.enroll('darwin');
    expect(second.hostId).toBe(first.hostId);
    expect(second.nodeKey).not.toBe(first.nodeKey);
    expect(revoked).toEqual([hashToken(first.nodeKey)]);

    const old = await t.post('distributed/read', { node_key: first.nodeKey });
    expect(old.status).toBe(401);
    expect(old.body).toEqual({ error: `authentication error: invalid node key: ${first.nodeKey}`, node_invalid: true });
    expect((await t.post('distributed/read', { node_key: second.nodeKey })).status).toBe(200);
  });

  it('answers node_invalid with Fleet texts for unknown and inactive secrets', async () => {
    t = await startAgentApp();
    const body = fixture('enroll-ubuntu.json');
    const unknown = await t.post('enroll', { ...body, enroll_secret: 'nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: 'enroll failed: no matching secret found', node_invalid: true });

    await t.ds.applyEnrollSecrets([{ name: 'default', secret: body.enroll_secret as string, active: false }]);
    const inactive = await t.post('enroll', body);
    expect(inactive.status).toBe(401);
    expect(inactive.body).toEqual({ error: 'enroll failed: secret is inactive', node_invalid: true });

    const missing = await t.post('enroll', { host_identifier: 'x' });
    expect(missing.body).toEqual({ error: 'enroll failed: no matching secret found', node_invalid: true });
  });

  it('rejects an enrollment without any identifier', async () => {
    t = await startAgentApp();
    const body = fixture('enroll-ubuntu.json');
    const res = await t.post('enroll', { ...body, host_identifier: '' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'save enroll failed: missing osquery host identifier', node_invalid: true });
  });

  describe('osquery.host_identifier', () => {
    const body = fixture<{ host_details: Record<string, Record<string, string>> }>('enroll-ubuntu.json');
    it.each([
      ['provided', 'ci-runner-07'],
      ['uuid', '6a0f3c2e-8d41-4b7a-9e15-2c7d90b1f4a8'],
      ['instance', 'f251f1c3-8611-48c2-850a-770a88d6250b'],
      ['hostname', 'ci-runner-07.build.example.com'],
    ])('%s → stored identifier %s', async (choice, id) => {
      t = await startAgentApp({ config: (c) => (c.osquery.host_identifier = choice) });
      const res = await t.post('enroll', body);
      expect(res.status).toBe(200);
      expect((await t.ds.hostByNodeKeyHash(hashToken(res.body.node_key)))!.osquery_host_id).toBe(id);
    });

    it('falls back to the provided identifier when the chosen detail is missing or empty', async () => {
      t = await startAgentApp({ config: (c) => (c.osquery.host_identifier = 'uuid') });
      const details = structuredClone(body.host_details);
      details.osquery_info!.uuid = '';
      const res = await t.post('enroll', { ...body, host_details: details });
      expect((await t.ds.hostByNodeKeyHash(hashToken(res.body.node_key)))!.osquery_host_id).toBe('ci-runner-07');
      const { osquery_info: _gone, ...rest } = details;
      void _gone;
      const res2 = await t.post('enroll', { ...body, host_identifier: 'other-07', host_details: rest });
      expect((await t.ds.hostByNodeKeyHash(hashToken(res2.body.node_key)))!.osquery_host_id).toBe('other-07');
    });
  });

  it('accepts an enroll without host_details', async () => {
    t = await startAgentApp();
    const res = await t.post('enroll', { enroll_secret: fixture('enroll-ubuntu.json').enroll_secret, host_identifier: 'bare' });
    expect(res.status).toBe(200);
    const host = (await t.ds.hostByNodeKeyHash(hashToken(res.body.node_key)))!;
    expect(host).toMatchObject({ osquery_host_id: 'bare', hostname: '', platform: '' });
  });
});
