import { JobRunner } from '../../service/jobs/job-runner';
import { FIXTURE_SECRETS, startAgentApp, type AgentTestApp } from './support';

const DAY = 24 * 3600 * 1000;

describe('background jobs', () => {
  let t: AgentTestApp;
  afterEach(async () => t?.close());

  async function enableExpiry(window: number) {
    const config = await t.ds.appConfig();
    config.host_expiry_settings = { host_expiry_enabled: true, host_expiry_window: window };
    await t.ds.saveAppConfig(config);
  }

  it('host expiry deletes hosts not seen within the window and revokes their keys', async () => {
    t = await startAgentApp();
    const stale = await t.enroll('ubuntu');
    const fresh = await t.enroll('darwin');
    const revoked: string[] = [];
    t.bus.subscribe((e) => e.kind === 'node-key-revoked' && revoked.push(e.nodeKeyHash));
    await t.post('distributed/read', { node_key: stale.nodeKey }); // cached before expiry
    await (t.osquery as any).flushSeen();
    await enableExpiry(2);
    t.clock.advance(3 * DAY);
    await t.post('distributed/read', { node_key: fresh.nodeKey });
    await (t.osquery as any).flushSeen();

    const result = await t.container.get(JobRunner).runOnce();
    expect(result.hosts).toEqual({ expired: 1, incoming: 0 });
    await expect(t.ds.host(stale.hostId)).rejects.toThrow(/not found/);
    expect((await t.ds.host(fresh.hostId)).id).toBe(fresh.hostId);
    expect(revoked).toHaveLength(1);
    const res = await t.post('distributed/read', { node_key: stale.nodeKey });
    expect(res.status).toBe(401);
    expect(res.body.node_invalid).toBe(true);
  });

  it('host expiry does nothing while disabled', async () => {
    t = await startAgentApp();
    const h = await t.enroll('ubuntu');
    t.clock.advance(400 * DAY);
    expect((await t.container.get(JobRunner).runOnce()).hosts).toEqual({ expired: 0, incoming: 0 });
    expect((await t.ds.host(h.hostId)).id).toBe(h.hostId);
  });

  it('deletes incoming hosts (no hostname, no osquery version) older than 5 minutes', async () => {
    t = await startAgentApp();
    const bare = await t.post('enroll', { enroll_secret: FIXTURE_SECRETS.default, host_identifier: 'never-reported' });
    const known = await t.enroll('windows');
    t.clock.advance(4 * 60 * 1000);
    const young = await t.post('enroll', { enroll_secret: FIXTURE_SECRETS.default, host_identifier: 'just-now' });
    t.clock.advance(2 * 60 * 1000);
    const result = await t.container.get(JobRunner).runOnce();
    expect(result.hosts).toEqual({ expired: 0, incoming: 1 });
    expect((await t.post('distributed/read', { node_key: bare.body.node_key })).status).toBe(401);
    expect((await t.post('distributed/read', { node_key: young.body.node_key })).status).toBe(200);
    expect((await t.ds.host(known.hostId)).id).toBe(known.hostId);
  });

  it('runs at start and then every interval until stopped', async () => {
    t = await startAgentApp({ jobs: { intervalMs: 15 } });
    const runner = t.container.get(JobRunner);
    const spy = jest.spyOn(t.ds, 'deleteIncomingHosts');
    runner.start();
    await new Promise((r) => setTimeout(r, 100));
    await runner.stop();
    const calls = spy.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(spy.mock.calls.length).toBe(calls);
  });

  it('a failing job is logged and does not stop the runner', async () => {
    t = await startAgentApp();
    jest.spyOn(t.ds, 'deleteIncomingHosts').mockRejectedValueOnce(new Error('db down'));
    const runner = t.container.get(JobRunner);
    expect((await runner.runOnce()).hosts).toBeUndefined();
    expect((await runner.runOnce()).hosts).toEqual({ expired: 0, incoming: 0 });
  });
});
