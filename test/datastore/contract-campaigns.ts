// The live-query campaign part of the datastore contract; describeDatastoreContract
// (contract.ts) calls it inside its own block, so it runs against every adapter.
import {
  CAMPAIGN_COMPLETED,
  CAMPAIGN_RUNNING,
  CAMPAIGN_WAITING,
  NotFoundError,
  type Campaign,
  type Datastore,
  type Host,
  type Query,
  type User,
} from '../../internal/fleet';
import { enrollUniqueHost, uniq as uniqTag } from './contract-helpers';

const uniq = () => uniqTag('c');

const MINUTE = 60_000;

export function describeCampaignContract(getStore: () => Datastore): void {
  let store: Datastore;
  let user: User;
  let query: Query;

  beforeAll(async () => {
    store = getStore();
    const tag = uniq();
    user = await store.newUser({
      username: `cu${tag}`,
      name: '',
      email: `cu${tag}@example.com`,
      admin: false,
      enabled: true,
      force_password_reset: false,
      gravatar_url: '',
      position: '',
      sso_enabled: false,
      password_hash: 'h',
      salt: 's',
    });
    query = await store.newQuery({ name: `distributed_${tag}`, description: '', query: 'select 1', saved: false, author_id: user.id });
  });

  const make = (targets = { host_ids: [] as number[], label_ids: [] as number[] }): Promise<Campaign> =>
    store.newCampaign({ query_id: query.id, user_id: user.id, status: CAMPAIGN_WAITING }, targets);

  function enroll(): Promise<Host> {
    return enrollUniqueHost(store, { infix: 'c', id: (tag) => `coid-${tag}`, key: (tag) => `cnkh-${tag}`, hostname: (tag) => `chost-${tag}` });
  }

  describe('campaigns', () => {
    test('newCampaign stores the campaign and its targets as given (unknown ids too)', async () => {
      const before = Date.now();
      const c = await make({ host_ids: [999_001, 3, 3], label_ids: [999_002, 6] });
      expect(c).toEqual({
        id: expect.any(Number),
        created_at: expect.any(Date),
        updated_at: expect.any(Date),
        query_id: query.id,
        status: CAMPAIGN_WAITING,
        user_id: user.id,
      });
      expect(c.created_at.getTime()).toBeGreaterThanOrEqual(before - 5000);
      expect(await store.campaign(c.id)).toEqual(c);
      expect(await store.campaignTargets(c.id)).toEqual({ host_ids: [3, 999_001], label_ids: [6, 999_002] });
    });

    test('a campaign without targets has empty target lists; unknown campaigns are NotFound', async () => {
      const c = await make();
      expect(await store.campaignTargets(c.id)).toEqual({ host_ids: [], label_ids: [] });
      await expect(store.campaign(2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.campaignTargets(2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.setCampaignStatus(2_000_000_000, CAMPAIGN_RUNNING)).rejects.toBeInstanceOf(NotFoundError);
    });

    test('ids are distinct across concurrent creations', async () => {
      const made = await Promise.all(Array.from({ length: 8 }, () => make()));
      expect(new Set(made.map((c) => c.id)).size).toBe(8);
    });

    test('setCampaignStatus only raises the status', async () => {
      const c = await make();
      await store.setCampaignStatus(c.id, CAMPAIGN_RUNNING);
      expect((await store.campaign(c.id)).status).toBe(CAMPAIGN_RUNNING);
      await store.setCampaignStatus(c.id, CAMPAIGN_WAITING);
      expect((await store.campaign(c.id)).status).toBe(CAMPAIGN_RUNNING);
      await store.setCampaignStatus(c.id, CAMPAIGN_COMPLETED);
      await store.setCampaignStatus(c.id, CAMPAIGN_RUNNING);
      expect((await store.campaign(c.id)).status).toBe(CAMPAIGN_COMPLETED);
    });

    test('completeStaleCampaigns completes waiting/running campaigns created before their cutoffs', async () => {
      const waiting = await make();
      const running = await make();
      const done = await make();
      await store.setCampaignStatus(running.id, CAMPAIGN_RUNNING);
      await store.setCampaignStatus(done.id, CAMPAIGN_COMPLETED);
      const past = new Date(Date.now() - 60 * MINUTE);
      const future = new Date(Date.now() + 60 * MINUTE);

      // Cutoffs in the past: none of ours is stale.
      const none = await store.completeStaleCampaigns(past, past);
      expect(none).not.toContain(waiting.id);
      expect(none).not.toContain(running.id);

      // Only the waiting cutoff passed: the running campaign stays.
      const first = await store.completeStaleCampaigns(future, past);
      expect(first).toContain(waiting.id);
      expect(first).not.toContain(running.id);
      expect(first).not.toContain(done.id);
      expect((await store.campaign(waiting.id)).status).toBe(CAMPAIGN_COMPLETED);
      expect((await store.campaign(running.id)).status).toBe(CAMPAIGN_RUNNING);

      const second = await store.completeStaleCampaigns(past, future);
      expect(second).toContain(running.id);
      expect(second).not.toContain(waiting.id);
      expect((await store.campaign(running.id)).status).toBe(CAMPAIGN_COMPLETED);
    });

    test('executions are recorded in one call, skip unknown campaigns/hosts, and cascade with hosts', async () => {
      const c = await make();
      const [h1, h2] = [await enroll(), await enroll()];
      await store.recordCampaignExecutions([]);
      await store.recordCampaignExecutions([
        { host_id: h2.id, campaign_id: c.id, status: 1, error: 'no such table: nope', rows: 0 },
        { host_id: h1.id, campaign_id: c.id, status: 0, error: null, rows: 3 },
        { host_id: 2_000_000_000, campaign_id: c.id, status: 0, error: null, rows: 1 },
        { host_id: h1.id, campaign_id: 2_000_000_000, status: 0, error: null, rows: 1 },
      ]);
      expect(await store.campaignExecutions(c.id)).toEqual([
        { host_id: h1.id, campaign_id: c.id, status: 0, error: null, rows: 3 },
        { host_id: h2.id, campaign_id: c.id, status: 1, error: 'no such table: nope', rows: 0 },
      ]);
      await store.deleteHost(h2.id);
      expect((await store.campaignExecutions(c.id)).map((e) => e.host_id)).toEqual([h1.id]);
      expect(await store.campaignExecutions(2_000_000_000)).toEqual([]);
    });

    test('targetIdsByNames matches hostnames and label names case-insensitively, dropping unknown names', async () => {
      const h = await enroll();
      const hostname = (await store.host(h.id)).hostname;
      const label = await store.newLabel({
        name: `CL-${uniq()}`, description: '', query: 'select 1;', platform: '', label_type: 'regular', label_membership_type: 'dynamic',
      });
      expect(await store.targetIdsByNames([hostname.toUpperCase(), `nope-${uniq()}`], [label.name.toLowerCase(), 'All Hosts', `nope-${uniq()}`])).toEqual({
        host_ids: [h.id],
        label_ids: [6, label.id],
      });
      expect(await store.targetIdsByNames([], [])).toEqual({ host_ids: [], label_ids: [] });
    });
  });
}
