// The queries, packs, scheduled queries and targets part of the datastore contract;
// describeDatastoreContract (contract.ts) calls it inside its own block, so it runs against
// every adapter on the one shared store. Tests make uniquely named records and compare only
// their own rows; counts are over selections of their own hosts and labels.
import {
  AlreadyExistsError,
  InvalidArgumentError,
  inStatusBucket,
  NotFoundError,
  type Datastore,
  type Host,
  type HostDetails,
  type Label,
  type ListOptions,
  type NewPack,
  type NewQuery,
  type PackSpecInput,
  type ScheduledQueryOptions,
  type User,
} from '../../internal/fleet';
import { at, DAY, enrollUniqueHost, expectError, idsAmong, plus, SECOND, sleep, uniq as uniqTag, uniqCount } from './contract-helpers';

const uniq = () => uniqTag('q');
const all = (o: Partial<ListOptions> = {}): ListOptions => ({ page: 0, orderDirection: 'asc', ...o });

const NO_OPTIONS: ScheduledQueryOptions = {
  description: '',
  interval: 0,
  snapshot: null,
  removed: null,
  platform: null,
  version: null,
  shard: null,
  denylist: null,
};

export function describeQueryPackTargetContract(getStore: () => Datastore): void {
  let store: Datastore;
  beforeAll(() => {
    store = getStore();
  });

  async function makeUser(over: { name?: string } = {}): Promise<User> {
    const tag = uniq();
    return store.newUser({
      username: `qa${tag}`,
      name: over.name ?? `Author ${tag}`,
      email: `qa${tag}@example.com`,
      admin: false,
      enabled: true,
      force_password_reset: false,
      gravatar_url: '',
      position: '',
      sso_enabled: false,
      password_hash: `hash-${tag}`,
      salt: `salt-${tag}`,
    });
  }

  function queryInput(over: Partial<NewQuery> = {}): NewQuery {
    const tag = uniq();
    return { name: `query-${tag}`, description: `about ${tag}`, query: `select ${uniqCount()};`, saved: true, author_id: null, ...over };
  }
  const makeQuery = (over: Partial<NewQuery> = {}) => store.newQuery(queryInput(over));

  function packInput(over: Partial<NewPack> = {}): NewPack {
    const tag = uniq();
    return { name: `pack-${tag}`, description: `pack ${tag}`, platform: '', disabled: false, ...over };
  }
  const makePack = (over: Partial<NewPack> = {}, hostIds: number[] = [], labelIds: number[] = []) =>
    store.newPack(packInput(over), { host_ids: hostIds, label_ids: labelIds });

  const makeLabel = (name = `tl-${uniq()}`): Promise<Label> =>
    store.newLabel({ name, description: '', query: 'select 1;', platform: '', label_type: 'regular', label_membership_type: 'dynamic' });

  function enroll(details: Partial<HostDetails> = {}, now = at('2030-01-01T00:00:00Z')): Promise<Host> {
    return enrollUniqueHost(store, { infix: 'q', hostname: (tag) => `qhost-${tag}` }, { now }, details);
  }

  async function join(host: Host, ...labels: Label[]): Promise<void> {
    await store.updateHost(host.id, { labels: { results: labels.map((l) => [l.id, true] as [number, boolean]), at: at('2030-01-01T00:00:00Z') } });
  }

  describe('queries', () => {
    test('newQuery stores every field; query, queryByName (any case, saved or not) read it back', async () => {
      const author = await makeUser();
      const input = queryInput({ author_id: author.id, saved: false });
      const query = await store.newQuery(input);
      expect(query).toMatchObject({ ...input, author_name: author.name });
      expect(query.id).toBeGreaterThan(0);
      expect(query.created_at).toBeInstanceOf(Date);
      expect(query.updated_at.getTime()).toBe(query.created_at.getTime());
      expect(await store.query(query.id)).toEqual(query);
      expect(await store.queryByName(input.name.toUpperCase())).toEqual(query);
      expect(await store.queryByName(`nope-${uniq()}`)).toBeNull();
      await expectError(store.query(987_101), NotFoundError, 'Query 987101 was not found in the datastore');
    });

    test('names are unique regardless of case', async () => {
      const query = await makeQuery();
      await expectError(makeQuery({ name: query.name.toUpperCase() }), AlreadyExistsError, `Query ${query.name.toUpperCase()} already exists in the datastore`);
      // Unsaved (live-query) queries hold their names too.
      const adHoc = await makeQuery({ saved: false });
      await expectError(makeQuery({ name: adHoc.name }), AlreadyExistsError);
    });

    test('author_name is the author’s name, else username, else ""; an unknown author is refused', async () => {
      const named = await makeUser();
      const unnamed = await makeUser({ name: '' });
      expect((await makeQuery({ author_id: named.id })).author_name).toBe(named.name);
      const q = await makeQuery({ author_id: unnamed.id });
      expect(q.author_name).toBe(unnamed.username);
      expect((await store.query(q.id)).author_name).toBe(unnamed.username);
      const orphan = await makeQuery({ author_id: null });
      expect(orphan).toMatchObject({ author_id: null, author_name: '' });
      await expectError(makeQuery({ author_id: 987_102 }), NotFoundError);
    });

    test('listQueries lists saved queries only, by any allowed key (text in byte order, null authors last), ties by id; pages', async () => {
      const tag = uniq();
      const a1 = await makeUser();
      const a2 = await makeUser();
      const c = await makeQuery({ name: `c-${tag}`, author_id: a2.id });
      const a = await makeQuery({ name: `a-${tag}`, author_id: null });
      const b = await makeQuery({ name: `B-${tag}`, author_id: a1.id });
      const unsaved = await makeQuery({ name: `d-${tag}`, saved: false });
      const mine = [a, b, c, unsaved];
      expect(idsAmong(await store.listQueries(all()), mine)).toEqual([c.id, a.id, b.id]);
      expect(idsAmong(await store.listQueries(all({ orderKey: 'name' })), mine)).toEqual([b.id, a.id, c.id]);
      expect(idsAmong(await store.listQueries(all({ orderKey: 'name', orderDirection: 'desc' })), mine)).toEqual([c.id, a.id, b.id]);
      expect(idsAmong(await store.listQueries(all({ orderKey: 'author_id' })), mine)).toEqual([b.id, c.id, a.id]);
      expect(idsAmong(await store.listQueries(all({ orderKey: 'author_id', orderDirection: 'desc' })), mine)).toEqual([a.id, c.id, b.id]);
      const full = await store.listQueries(all());
      expect(full.every((q) => q.saved)).toBe(true);
      const page = await store.listQueries(all({ perPage: 2, page: 1 }));
      expect(page.map((q) => q.id)).toEqual(full.slice(2, 4).map((q) => q.id));
      await expectError(store.listQueries(all({ orderKey: 'author_name' })), InvalidArgumentError);
    });

    test('saveQuery saves the fields and bumps updated_at; a rename keeps its scheduled queries; conflicts and missing ids are refused', async () => {
      const author = await makeUser();
      const query = await makeQuery();
      const other = await makeQuery();
      const pack = await makePack();
      const sq = await store.newScheduledQuery(pack.id, query.id, { ...NO_OPTIONS, interval: 60 });
      await sleep(5);
      const renamed = `renamed-${uniq()}`;
      const saved = await store.saveQuery({ ...query, name: renamed, description: 'd2', query: 'select 2;', saved: false, author_id: author.id });
      expect(saved).toMatchObject({ id: query.id, name: renamed, description: 'd2', query: 'select 2;', saved: false, author_id: author.id, author_name: author.name });
      expect(saved.created_at.getTime()).toBe(query.created_at.getTime());
      expect(saved.updated_at.getTime()).toBeGreaterThan(query.updated_at.getTime());
      expect(await store.query(query.id)).toEqual(saved);
      expect(await store.scheduledQuery(sq.id)).toMatchObject({ name: query.name, query_name: renamed, query: 'select 2;' });
      // Its own name in another case is fine; another query's is not.
      await expect(store.saveQuery({ ...saved, name: renamed.toUpperCase() })).resolves.toMatchObject({ name: renamed.toUpperCase() });
      await expectError(store.saveQuery({ ...saved, name: other.name.toUpperCase() }), AlreadyExistsError, `Query ${other.name.toUpperCase()} already exists in the datastore`);
      await expectError(store.saveQuery({ ...saved, id: 987_103 }), NotFoundError, 'Query 987103 was not found in the datastore');
    });

    test('deleteQuery deletes the query and its scheduled queries; again throws NotFoundError', async () => {
      const query = await makeQuery();
      const keep = await makeQuery();
      const pack = await makePack();
      const gone = await store.newScheduledQuery(pack.id, query.id, NO_OPTIONS);
      const kept = await store.newScheduledQuery(pack.id, keep.id, NO_OPTIONS);
      await store.deleteQuery(query.id);
      await expectError(store.query(query.id), NotFoundError);
      await expectError(store.scheduledQuery(gone.id), NotFoundError);
      expect((await store.listScheduledQueriesInPack(pack.id, all())).map((s) => s.id)).toEqual([kept.id]);
      expect((await store.packStats([pack.id])).get(pack.id)?.query_count).toBe(1);
      await expectError(store.deleteQuery(query.id), NotFoundError, `Query ${query.id} was not found in the datastore`);
      await expect(makeQuery({ name: query.name })).resolves.toBeDefined();
    });

    test('deleteQueries deletes those that exist, with their scheduled queries, and counts them', async () => {
      const [q1, q2, q3] = [await makeQuery(), await makeQuery(), await makeQuery()];
      const pack = await makePack();
      const sq = await store.newScheduledQuery(pack.id, q1.id, NO_OPTIONS);
      expect(await store.deleteQueries([q1.id, q2.id, q2.id, 987_104])).toBe(2);
      await expectError(store.query(q1.id), NotFoundError);
      await expectError(store.query(q2.id), NotFoundError);
      await expectError(store.scheduledQuery(sq.id), NotFoundError);
      expect((await store.query(q3.id)).id).toBe(q3.id);
      expect(await store.deleteQueries([q1.id])).toBe(0);
      expect(await store.deleteQueries([])).toBe(0);
    });

    test('applyQuerySpecs creates and updates by name (any case): author set, saved, name as spelled in the spec', async () => {
      const author = await makeUser();
      const existing = await makeQuery({ saved: false, author_id: null });
      const fresh = { name: `spec-${uniq()}`, description: 'fresh', query: 'select 10;' };
      await sleep(5);
      await store.applyQuerySpecs([fresh, { name: existing.name.toUpperCase(), description: 'updated', query: 'select 11;' }], author.id);
      expect(await store.queryByName(fresh.name)).toMatchObject({ ...fresh, saved: true, author_id: author.id, author_name: author.name });
      const updated = await store.query(existing.id);
      expect(updated).toMatchObject({ name: existing.name.toUpperCase(), description: 'updated', query: 'select 11;', saved: true, author_id: author.id });
      expect(updated.created_at.getTime()).toBe(existing.created_at.getTime());
      expect(updated.updated_at.getTime()).toBeGreaterThan(existing.updated_at.getTime());
      // A null author is allowed; nothing to apply is fine.
      await store.applyQuerySpecs([{ ...fresh, description: 'again' }], null);
      expect(await store.queryByName(fresh.name)).toMatchObject({ description: 'again', author_id: null, author_name: '' });
      await expect(store.applyQuerySpecs([], author.id)).resolves.toBeUndefined();
    });

    test('applyQuerySpecs is all or nothing', async () => {
      const author = await makeUser();
      const existing = await makeQuery();
      const first = { name: `spec-${uniq()}`, description: '', query: 'select 1;' };
      const change = { name: existing.name, description: 'changed', query: 'select 99;' };
      await expectError(store.applyQuerySpecs([first, change, { name: '', description: '', query: 'x' }], author.id), InvalidArgumentError);
      await expectError(store.applyQuerySpecs([first, change], 987_105), NotFoundError);
      expect(await store.queryByName(first.name)).toBeNull();
      expect(await store.query(existing.id)).toEqual(existing);
    });

    test('returned queries are copies', async () => {
      const query = await makeQuery();
      query.name = 'mutated';
      query.created_at.setTime(0);
      const again = await store.query(query.id);
      expect(again.name).not.toBe('mutated');
      expect(again.created_at.getTime()).not.toBe(0);
      const listed = await store.listQueries(all());
      listed.forEach((q) => (q.name = 'mutated'));
      expect((await store.query(query.id)).name).not.toBe('mutated');
    });
  });

  describe('packs', () => {
    test('newPack stores fields and targets (duplicates ignored); pack, packByName read it; names unique regardless of case', async () => {
      const [h1, h2] = [await enroll(), await enroll()];
      const label = await makeLabel();
      const input = packInput({ platform: 'darwin', disabled: true });
      const pack = await store.newPack(input, { host_ids: [h2.id, h1.id, h2.id], label_ids: [label.id, label.id] });
      expect(pack).toMatchObject(input);
      expect(pack.created_at).toBeInstanceOf(Date);
      expect(await store.pack(pack.id)).toEqual(pack);
      expect(await store.packByName(input.name.toUpperCase())).toEqual(pack);
      expect(await store.packByName(`nope-${uniq()}`)).toBeNull();
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [h1.id, h2.id], label_ids: [label.id] });
      await expectError(makePack({ name: input.name.toUpperCase() }), AlreadyExistsError, `Pack ${input.name.toUpperCase()} already exists in the datastore`);
      await expectError(store.pack(987_201), NotFoundError, 'Pack 987201 was not found in the datastore');
    });

    test('packTargets reports only targets that exist, for every pack id asked', async () => {
      const [h1, h2] = [await enroll(), await enroll()];
      const [l1, l2] = [await makeLabel(), await makeLabel()];
      const pack = await makePack({}, [h1.id, h2.id, 987_202], [l1.id, l2.id, 987_203]);
      const bare = await makePack();
      await store.deleteHost(h2.id);
      await store.deleteLabel(l2.id);
      const targets = await store.packTargets([pack.id, bare.id, 987_204]);
      expect(targets).toEqual(
        new Map([
          [pack.id, { host_ids: [h1.id], label_ids: [l1.id] }],
          [bare.id, { host_ids: [], label_ids: [] }],
          [987_204, { host_ids: [], label_ids: [] }],
        ]),
      );
      expect(await store.packTargets([])).toEqual(new Map());
    });

    test('savePack with targets replaces them, without keeps them; conflicts change nothing; missing ids are refused', async () => {
      const [h1, h2] = [await enroll(), await enroll()];
      const label = await makeLabel();
      const pack = await makePack({}, [h1.id], [label.id]);
      const other = await makePack();
      await sleep(5);
      const saved = await store.savePack({ ...pack, name: `renamed-${uniq()}`, description: 'd', platform: 'linux', disabled: true });
      expect(saved).toMatchObject({ id: pack.id, description: 'd', platform: 'linux', disabled: true });
      expect(saved.created_at.getTime()).toBe(pack.created_at.getTime());
      expect(saved.updated_at.getTime()).toBeGreaterThan(pack.updated_at.getTime());
      expect(await store.pack(pack.id)).toEqual(saved);
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [h1.id], label_ids: [label.id] });

      await store.savePack(saved, { host_ids: [h2.id, h2.id, h1.id], label_ids: [] });
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [h1.id, h2.id], label_ids: [] });
      await store.savePack(saved, { host_ids: [], label_ids: [] });
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [], label_ids: [] });

      await store.savePack(saved, { host_ids: [h1.id], label_ids: [label.id] });
      await expectError(store.savePack({ ...saved, name: other.name.toUpperCase() }, { host_ids: [h2.id], label_ids: [] }), AlreadyExistsError);
      expect(await store.pack(pack.id)).toMatchObject({ name: saved.name });
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [h1.id], label_ids: [label.id] });
      await expectError(store.savePack({ ...saved, id: 987_205 }, { host_ids: [h1.id], label_ids: [] }), NotFoundError, 'Pack 987205 was not found in the datastore');
      await expectError(store.savePack({ ...saved, id: 987_205 }), NotFoundError);
    });

    test('deletePack deletes its targets and scheduled queries; again throws NotFoundError', async () => {
      const host = await enroll();
      const query = await makeQuery();
      const pack = await makePack({}, [host.id]);
      const sq = await store.newScheduledQuery(pack.id, query.id, NO_OPTIONS);
      await store.deletePack(pack.id);
      await expectError(store.pack(pack.id), NotFoundError);
      await expectError(store.scheduledQuery(sq.id), NotFoundError);
      expect(await store.packsForQuery(query.id)).toEqual([]);
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [], label_ids: [] });
      await expectError(store.deletePack(pack.id), NotFoundError, `Pack ${pack.id} was not found in the datastore`);
      // The name is free again, and the new pack starts without the old one's targets.
      const again = await makePack({ name: pack.name });
      expect((await store.packTargets([again.id])).get(again.id)).toEqual({ host_ids: [], label_ids: [] });
      expect((await store.query(query.id)).id).toBe(query.id);
    });

    test('packStats counts scheduled queries and distinct existing hosts (explicit or through a label), for many packs at once', async () => {
      const [h1, h2, h3, h4, gone] = [await enroll(), await enroll(), await enroll(), await enroll(), await enroll()];
      const [l1, l2, empty] = [await makeLabel(), await makeLabel(), await makeLabel()];
      await join(h1, l1);
      await join(h2, l1, l2);
      await join(h3, l2);
      await join(gone, l1);
      const [q1, q2] = [await makeQuery(), await makeQuery()];
      // h1 explicit and via l1; h2 via both labels; gone deleted; an unknown id.
      const big = await makePack({}, [h1.id, h4.id, gone.id, 987_206], [l1.id, l2.id, empty.id, 987_207]);
      const hostsOnly = await makePack({}, [h3.id, h3.id]);
      const labelOnly = await makePack({}, [], [l2.id]);
      const bare = await makePack();
      await store.newScheduledQuery(big.id, q1.id, NO_OPTIONS);
      await store.newScheduledQuery(big.id, q1.id, NO_OPTIONS);
      await store.newScheduledQuery(big.id, q2.id, NO_OPTIONS);
      await store.newScheduledQuery(labelOnly.id, q2.id, NO_OPTIONS);
      await store.deleteHost(gone.id);
      expect(await store.packStats([big.id, hostsOnly.id, labelOnly.id, bare.id, 987_208])).toEqual(
        new Map([
          [big.id, { query_count: 3, total_hosts_count: 4 }],
          [hostsOnly.id, { query_count: 0, total_hosts_count: 1 }],
          [labelOnly.id, { query_count: 1, total_hosts_count: 2 }],
          [bare.id, { query_count: 0, total_hosts_count: 0 }],
          [987_208, { query_count: 0, total_hosts_count: 0 }],
        ]),
      );
      // packQueryCounts is packStats' query_count alone.
      expect(await store.packQueryCounts([big.id, hostsOnly.id, labelOnly.id, bare.id, 987_208, big.id])).toEqual(
        new Map([
          [big.id, 3],
          [hostsOnly.id, 0],
          [labelOnly.id, 1],
          [bare.id, 0],
          [987_208, 0],
        ]),
      );
      // Membership changes show at once.
      await store.updateHost(h3.id, { labels: { results: [[l2.id, false]], at: at('2030-01-02T00:00:00Z') } });
      expect((await store.packStats([labelOnly.id])).get(labelOnly.id)).toEqual({ query_count: 1, total_hosts_count: 1 });
      expect(await store.packStats([])).toEqual(new Map());
      expect(await store.packQueryCounts([])).toEqual(new Map());
    });

    test('listPacks orders by any allowed key (text in byte order), ties by id; pages', async () => {
      const tag = uniq();
      const c = await makePack({ name: `c-${tag}`, disabled: true, platform: 'a' });
      const a = await makePack({ name: `a-${tag}`, disabled: false, platform: 'b' });
      const b = await makePack({ name: `B-${tag}`, disabled: true, platform: 'a' });
      const mine = [a, b, c];
      expect(idsAmong(await store.listPacks(all()), mine)).toEqual([c.id, a.id, b.id]);
      expect(idsAmong(await store.listPacks(all({ orderKey: 'name' })), mine)).toEqual([b.id, a.id, c.id]);
      expect(idsAmong(await store.listPacks(all({ orderKey: 'disabled' })), mine)).toEqual([a.id, c.id, b.id]);
      expect(idsAmong(await store.listPacks(all({ orderKey: 'disabled', orderDirection: 'desc' })), mine)).toEqual([c.id, b.id, a.id]);
      expect(idsAmong(await store.listPacks(all({ orderKey: 'platform' })), mine)).toEqual([c.id, b.id, a.id]);
      const full = await store.listPacks(all());
      expect((await store.listPacks(all({ perPage: 2, page: 1 }))).map((p) => p.id)).toEqual(full.slice(2, 4).map((p) => p.id));
      await expectError(store.listPacks(all({ orderKey: 'query_count' })), InvalidArgumentError);
    });

    test('returned packs are copies', async () => {
      const pack = await makePack();
      pack.name = 'mutated';
      pack.created_at.setTime(0);
      const again = await store.pack(pack.id);
      expect(again.name).not.toBe('mutated');
      expect(again.created_at.getTime()).not.toBe(0);
      (await store.listPacks(all())).forEach((p) => (p.name = 'mutated'));
      expect((await store.pack(pack.id)).name).not.toBe('mutated');
    });
  });

  describe('scheduled queries', () => {
    test('newScheduledQuery names it after the query, suffixing -1 until unique in the pack; unset options stay null', async () => {
      const query = await makeQuery({ query: 'select 7;' });
      const pack = await makePack();
      const otherPack = await makePack();
      const first = await store.newScheduledQuery(pack.id, query.id, { ...NO_OPTIONS, interval: 3600 });
      expect(first).toMatchObject({
        pack_id: pack.id,
        query_id: query.id,
        name: query.name,
        query_name: query.name,
        query: 'select 7;',
        description: '',
        interval: 3600,
        snapshot: null,
        removed: null,
        platform: null,
        version: null,
        shard: null,
        denylist: null,
      });
      expect(first.created_at).toBeInstanceOf(Date);
      expect(await store.scheduledQuery(first.id)).toEqual(first);
      const second = await store.newScheduledQuery(pack.id, query.id, NO_OPTIONS);
      const third = await store.newScheduledQuery(pack.id, query.id, NO_OPTIONS);
      expect([second.name, third.name]).toEqual([`${query.name}-1`, `${query.name}-1-1`]);
      // Another pack starts over.
      expect((await store.newScheduledQuery(otherPack.id, query.id, NO_OPTIONS)).name).toBe(query.name);
      // Deleting the first frees its name.
      await store.deleteScheduledQuery(first.id);
      expect((await store.newScheduledQuery(pack.id, query.id, NO_OPTIONS)).name).toBe(query.name);
    });

    test('newScheduledQuery stores every option; an unknown pack or query is refused', async () => {
      const query = await makeQuery();
      const pack = await makePack();
      const options: ScheduledQueryOptions = {
        description: 'every hour',
        interval: 0,
        snapshot: true,
        removed: false,
        platform: '',
        version: '4.0.0',
        shard: 10,
        denylist: false,
      };
      const sq = await store.newScheduledQuery(pack.id, query.id, options);
      expect(sq).toMatchObject(options);
      expect(await store.scheduledQuery(sq.id)).toEqual(sq);
      await expectError(store.newScheduledQuery(987_301, query.id, NO_OPTIONS), NotFoundError, 'Pack 987301 was not found in the datastore');
      await expectError(store.newScheduledQuery(pack.id, 987_302, NO_OPTIONS), NotFoundError, 'Query 987302 was not found in the datastore');
      expect((await store.listScheduledQueriesInPack(pack.id, all())).map((s) => s.id)).toEqual([sq.id]);
    });

    test('saveScheduledQuery saves pack and options (not name or query); unknown ids and taken names are refused', async () => {
      const [query, otherQuery] = [await makeQuery(), await makeQuery()];
      const [pack, target] = [await makePack(), await makePack()];
      const sq = await store.newScheduledQuery(pack.id, query.id, { ...NO_OPTIONS, interval: 60, snapshot: true, shard: 5 });
      await sleep(5);
      const saved = await store.saveScheduledQuery({
        ...sq,
        name: 'ignored',
        query_id: otherQuery.id,
        pack_id: target.id,
        description: 'moved',
        interval: 120,
        snapshot: null,
        removed: true,
        platform: 'darwin',
        version: '5.0.0',
        shard: null,
        denylist: true,
      });
      expect(saved).toMatchObject({
        id: sq.id,
        pack_id: target.id,
        name: sq.name,
        query_id: query.id,
        query_name: query.name,
        description: 'moved',
        interval: 120,
        snapshot: null,
        removed: true,
        platform: 'darwin',
        version: '5.0.0',
        shard: null,
        denylist: true,
      });
      expect(saved.created_at.getTime()).toBe(sq.created_at.getTime());
      expect(saved.updated_at.getTime()).toBeGreaterThan(sq.updated_at.getTime());
      expect(await store.scheduledQuery(sq.id)).toEqual(saved);
      expect(await store.listScheduledQueriesInPack(pack.id, all())).toEqual([]);

      await expectError(store.saveScheduledQuery({ ...saved, id: 987_303 }), NotFoundError, 'ScheduledQuery 987303 was not found in the datastore');
      await expectError(store.saveScheduledQuery({ ...saved, pack_id: 987_304 }), NotFoundError, 'Pack 987304 was not found in the datastore');
      // Moving back into a pack that meanwhile has a scheduled query of that name.
      await store.newScheduledQuery(pack.id, query.id, NO_OPTIONS);
      await expectError(store.saveScheduledQuery({ ...saved, pack_id: pack.id }), AlreadyExistsError, `ScheduledQuery ${sq.name} already exists in the datastore`);
      expect(await store.scheduledQuery(sq.id)).toEqual(saved);
    });

    test('deleteScheduledQuery; again or unknown throws NotFoundError', async () => {
      const sq = await store.newScheduledQuery((await makePack()).id, (await makeQuery()).id, NO_OPTIONS);
      await store.deleteScheduledQuery(sq.id);
      await expectError(store.scheduledQuery(sq.id), NotFoundError, `ScheduledQuery ${sq.id} was not found in the datastore`);
      await expectError(store.deleteScheduledQuery(sq.id), NotFoundError, `ScheduledQuery ${sq.id} was not found in the datastore`);
    });

    test('listScheduledQueriesInPack orders by any allowed key, ties by id, pages; an unknown pack has none', async () => {
      const tag = uniq();
      const qb = await makeQuery({ name: `b-${tag}` });
      const qa = await makeQuery({ name: `A-${tag}` });
      const pack = await makePack();
      const s1 = await store.newScheduledQuery(pack.id, qb.id, { ...NO_OPTIONS, interval: 30 });
      const s2 = await store.newScheduledQuery(pack.id, qa.id, { ...NO_OPTIONS, interval: 10 });
      const s3 = await store.newScheduledQuery(pack.id, qb.id, { ...NO_OPTIONS, interval: 10 }); // b-…-1
      const ids = async (o: Partial<ListOptions>) => (await store.listScheduledQueriesInPack(pack.id, all(o))).map((s) => s.id);
      expect(await ids({})).toEqual([s1.id, s2.id, s3.id]);
      expect(await ids({ orderKey: 'name' })).toEqual([s2.id, s1.id, s3.id]);
      expect(await ids({ orderKey: 'interval' })).toEqual([s2.id, s3.id, s1.id]);
      expect(await ids({ orderKey: 'interval', orderDirection: 'desc' })).toEqual([s1.id, s2.id, s3.id]);
      expect(await ids({ orderKey: 'query_name' })).toEqual([s2.id, s1.id, s3.id]);
      expect(await ids({ orderKey: 'query_name', orderDirection: 'desc' })).toEqual([s1.id, s3.id, s2.id]);
      expect(await ids({ perPage: 2, page: 1 })).toEqual([s3.id]);
      const listed = await store.listScheduledQueriesInPack(pack.id, all());
      expect(listed[0]).toEqual(await store.scheduledQuery(s1.id));
      expect(await store.listScheduledQueriesInPack(987_305, all())).toEqual([]);
      await expectError(store.listScheduledQueriesInPack(pack.id, all({ orderKey: 'query' })), InvalidArgumentError);
    });

    test('packsForQuery gives one pack per scheduled query of the query, in scheduling order; packsForQueries batches it', async () => {
      const [query, other, unscheduled] = [await makeQuery(), await makeQuery(), await makeQuery()];
      const [p1, p2] = [await makePack(), await makePack()];
      await store.newScheduledQuery(p2.id, query.id, NO_OPTIONS);
      await store.newScheduledQuery(p1.id, query.id, NO_OPTIONS);
      await store.newScheduledQuery(p2.id, query.id, NO_OPTIONS);
      await store.newScheduledQuery(p1.id, other.id, NO_OPTIONS);
      const packs = await store.packsForQuery(query.id);
      expect(packs.map((p) => p.id)).toEqual([p2.id, p1.id, p2.id]);
      expect(packs[0]).toEqual(await store.pack(p2.id));
      expect(await store.packsForQuery(unscheduled.id)).toEqual([]);
      const batch = await store.packsForQueries([query.id, other.id, unscheduled.id, 987_306]);
      expect([...batch.keys()]).toEqual([query.id, other.id, unscheduled.id, 987_306]);
      expect(batch.get(query.id)).toEqual(packs);
      expect(batch.get(other.id)!.map((p) => p.id)).toEqual([p1.id]);
      expect(batch.get(unscheduled.id)).toEqual([]);
      expect(batch.get(987_306)).toEqual([]);
    });

    test('returned scheduled queries are copies', async () => {
      const sq = await store.newScheduledQuery((await makePack()).id, (await makeQuery()).id, NO_OPTIONS);
      sq.name = 'mutated';
      sq.created_at.setTime(0);
      const again = await store.scheduledQuery(sq.id);
      expect(again.name).not.toBe('mutated');
      expect(again.created_at.getTime()).not.toBe(0);
    });
  });

  describe('pack specs', () => {
    function specOf(name: string, over: Partial<PackSpecInput> = {}): PackSpecInput {
      return { name, description: '', platform: '', disabled: false, targets: { labels: [] }, queries: [], ...over };
    }
    async function mySpecs(...packNames: string[]) {
      const wanted = packNames.map((n) => n.toLowerCase());
      return (await store.packSpecs()).filter((s) => wanted.includes(s.name.toLowerCase()));
    }

    test('applyPackSpecs creates a pack with its scheduled queries in order and its label targets; packSpecs gives it back', async () => {
      const [q1, q2] = [await makeQuery(), await makeQuery()];
      const [l1, l2] = [await makeLabel(), await makeLabel()];
      const name = `spack-${uniq()}`;
      await store.applyPackSpecs([
        specOf(name, {
          description: 'monitoring',
          platform: 'darwin',
          disabled: true,
          targets: { labels: [l2.name.toUpperCase(), l1.name, l2.name] },
          queries: [
            { query: q2.name, name: 'second', description: 'd', interval: 60, snapshot: true, shard: 0 },
            { query: q1.name.toUpperCase(), name: q1.name, description: '', interval: 0, removed: false, platform: '', version: '4.0', denylist: true },
            { query: q2.name, name: 'again', description: '', interval: 10 },
          ],
        }),
      ]);
      const pack = (await store.packByName(name))!;
      expect(pack).toMatchObject({ name, description: 'monitoring', platform: 'darwin', disabled: true });
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [], label_ids: [l1.id, l2.id] });
      const scheduled = await store.listScheduledQueriesInPack(pack.id, all());
      expect(scheduled.map((s) => [s.name, s.query_id])).toEqual([
        ['second', q2.id],
        [q1.name, q1.id],
        ['again', q2.id],
      ]);
      expect(scheduled[1]).toMatchObject({ snapshot: null, removed: false, platform: '', version: '4.0', shard: null, denylist: true });
      expect(await mySpecs(name)).toEqual([
        {
          id: pack.id,
          name,
          description: 'monitoring',
          platform: 'darwin',
          disabled: true,
          targets: { labels: [l1.name, l2.name] },
          queries: [
            { query: q2.name, name: 'second', description: 'd', interval: 60, snapshot: true, shard: 0 },
            { query: q1.name, name: q1.name, description: '', interval: 0, removed: false, platform: '', version: '4.0', denylist: true },
            { query: q2.name, name: 'again', description: '', interval: 10 },
          ],
        },
      ]);
      // Optional options are absent, not null, when unset.
      const again = (await mySpecs(name))[0]!.queries[2]!;
      expect(Object.keys(again).sort()).toEqual(['description', 'interval', 'name', 'query']);
      expect(await store.packStats([pack.id])).toEqual(new Map([[pack.id, { query_count: 3, total_hosts_count: 0 }]]));
    });

    test('applying again by name (any case) overwrites fields and replaces scheduled queries and every target', async () => {
      const [q1, q2] = [await makeQuery(), await makeQuery()];
      const [l1, l2] = [await makeLabel(), await makeLabel()];
      const host = await enroll();
      const pack = await makePack({ description: 'old', platform: 'linux', disabled: true }, [host.id], [l1.id]);
      const old = await store.newScheduledQuery(pack.id, q1.id, NO_OPTIONS);
      await store.applyPackSpecs([
        specOf(pack.name.toUpperCase(), { targets: { labels: [l2.name] }, queries: [{ query: q2.name, name: q2.name, description: '', interval: 5 }] }),
      ]);
      const after = await store.pack(pack.id);
      expect(after).toMatchObject({ name: pack.name.toUpperCase(), description: '', platform: '', disabled: false });
      await expectError(store.scheduledQuery(old.id), NotFoundError);
      expect((await store.listScheduledQueriesInPack(pack.id, all())).map((s) => s.query_id)).toEqual([q2.id]);
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [], label_ids: [l2.id] });
      // Empty lists clear.
      await store.applyPackSpecs([specOf(pack.name)]);
      expect(await store.listScheduledQueriesInPack(pack.id, all())).toEqual([]);
      expect((await store.packTargets([pack.id])).get(pack.id)).toEqual({ host_ids: [], label_ids: [] });
      await expect(store.applyPackSpecs([])).resolves.toBeUndefined();
    });

    test('unknown queries and labels, duplicate scheduled names and empty names are refused, all or nothing', async () => {
      const query = await makeQuery();
      const label = await makeLabel();
      const existing = await makePack({ description: 'keep' }, [], [label.id]);
      const kept = await store.newScheduledQuery(existing.id, query.id, NO_OPTIONS);
      const fresh = `fresh-${uniq()}`;
      const valid = [specOf(fresh, { queries: [{ query: query.name, name: 'x', description: '', interval: 1 }] }), specOf(existing.name, { description: 'changed' })];
      const ghost = `ghost-${uniq()}`;
      await expectError(
        store.applyPackSpecs([...valid, specOf(`p-${uniq()}`, { queries: [{ query: ghost, name: ghost, description: '', interval: 1 }] })]),
        NotFoundError,
        `Query ${ghost} was not found in the datastore`,
      );
      await expectError(
        store.applyPackSpecs([...valid, specOf(`p-${uniq()}`, { targets: { labels: [label.name, ghost] } })]),
        NotFoundError,
        `Label ${ghost} was not found in the datastore`,
      );
      await expectError(
        store.applyPackSpecs([
          ...valid,
          specOf(`p-${uniq()}`, {
            queries: [
              { query: query.name, name: 'dup', description: '', interval: 1 },
              { query: query.name, name: 'dup', description: '', interval: 2 },
            ],
          }),
        ]),
        AlreadyExistsError,
        'ScheduledQuery dup already exists in the datastore',
      );
      await expectError(store.applyPackSpecs([...valid, specOf('')]), InvalidArgumentError);
      expect(await store.packByName(fresh)).toBeNull();
      expect(await store.pack(existing.id)).toEqual(existing);
      expect((await store.listScheduledQueriesInPack(existing.id, all())).map((s) => s.id)).toEqual([kept.id]);
      expect((await store.packTargets([existing.id])).get(existing.id)).toEqual({ host_ids: [], label_ids: [label.id] });
    });

    test('packSpecs lists every pack in id order; applying its output again changes nothing but scheduled-query ids', async () => {
      const [q1, q2] = [await makeQuery(), await makeQuery()];
      const label = await makeLabel();
      const host = await enroll();
      const a = await makePack({ description: 'a', platform: 'windows' }, [], [label.id, 987_401]);
      const b = await makePack({ disabled: true }, [host.id]);
      await store.newScheduledQuery(a.id, q1.id, { ...NO_OPTIONS, interval: 30, snapshot: false, version: '' });
      await store.newScheduledQuery(a.id, q1.id, { ...NO_OPTIONS, interval: 40, description: 'second' });
      await store.newScheduledQuery(b.id, q2.id, { ...NO_OPTIONS, shard: 50 });
      const specs = await store.packSpecs();
      const ids = specs.map((s) => s.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const before = await mySpecs(a.name, b.name);
      expect(before).toEqual([
        {
          id: a.id,
          name: a.name,
          description: 'a',
          platform: 'windows',
          disabled: false,
          targets: { labels: [label.name] },
          queries: [
            { query: q1.name, name: q1.name, description: '', interval: 30, snapshot: false, version: '' },
            { query: q1.name, name: `${q1.name}-1`, description: 'second', interval: 40 },
          ],
        },
        { id: b.id, name: b.name, description: b.description, platform: '', disabled: true, targets: { labels: [] }, queries: [{ query: q2.name, name: q2.name, description: '', interval: 0, shard: 50 }] },
      ]);
      const scheduledBefore = await store.listScheduledQueriesInPack(a.id, all());
      await store.applyPackSpecs(before);
      expect(await mySpecs(a.name, b.name)).toEqual(before);
      const scheduledAfter = await store.listScheduledQueriesInPack(a.id, all());
      const strip = (list: typeof scheduledBefore) => list.map(({ id: _i, created_at: _c, updated_at: _u, ...rest }) => rest);
      expect(strip(scheduledAfter)).toEqual(strip(scheduledBefore));
      expect(scheduledAfter.map((s) => s.id)).not.toEqual(scheduledBefore.map((s) => s.id));
    });
  });

  describe('packs for agents', () => {
    test('allPacksForAgents gives every pack, in id order, with its scheduled queries (SQL included) and existing targets', async () => {
      const query = await makeQuery({ query: 'select * from osquery_info;' });
      const [h1, h2] = [await enroll(), await enroll()];
      const label = await makeLabel();
      const a = await makePack({ disabled: true, platform: 'darwin' }, [h1.id, h2.id, 987_501], [label.id]);
      const b = await makePack();
      const s1 = await store.newScheduledQuery(a.id, query.id, { ...NO_OPTIONS, interval: 60, snapshot: true });
      const s2 = await store.newScheduledQuery(a.id, query.id, { ...NO_OPTIONS, interval: 120, removed: false });
      await store.deleteHost(h2.id);
      const packs = await store.allPacksForAgents();
      const ids = packs.map((p) => p.pack.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const mine = packs.filter((p) => p.pack.id === a.id || p.pack.id === b.id);
      expect(mine).toEqual([
        { pack: await store.pack(a.id), queries: [await store.scheduledQuery(s1.id), await store.scheduledQuery(s2.id)], targets: { host_ids: [h1.id], label_ids: [label.id] } },
        { pack: await store.pack(b.id), queries: [], targets: { host_ids: [], label_ids: [] } },
      ]);
      expect(mine[0]!.queries[0]!.query).toBe('select * from osquery_info;');
      // Copies.
      mine[0]!.pack.name = 'mutated';
      expect((await store.pack(a.id)).name).not.toBe('mutated');
    });
  });

  describe('targets', () => {
    test('searchHosts matches a word start in hostname or uuid (any case), or the exact primary IP / MAC', async () => {
      const tag = uniq();
      const front = await enroll({ hostname: `web${tag}-db.example.com` });
      const middle = await enroll({ hostname: `api-${tag}x.Example.com` });
      const byUuid = await enroll({ hostname: `plain-${uniq()}`, uuid: `${tag.toUpperCase()}-1234-ABCD` });
      const inside = await enroll({ hostname: `zz${tag}y` });
      const ip = `10.${Math.floor(Math.random() * 250)}.${uniqCount() % 250}.${Math.floor(Math.random() * 250)}-${tag}`;
      const byIp = await enroll({ hostname: `ip-${uniq()}`, primary_ip: ip.slice(0, 45) });
      const mac = `aa:${tag.slice(-8)}`.slice(0, 17);
      const byMac = await enroll({ hostname: `mac-${uniq()}`, primary_mac: mac });
      const mine = [front, middle, byUuid, inside, byIp, byMac];
      const search = async (terms: string[], raw = '') => idsAmong(await store.searchHosts({ terms, raw }, [], 1000), mine).sort((x, y) => x - y);

      expect(await search([`web${tag}`])).toEqual([front.id]);
      expect(await search([tag])).toEqual([middle.id, byUuid.id]);
      expect(await search([`${tag}-1234`])).toEqual([byUuid.id]);
      expect(await search([`${tag}x.example`])).toEqual([middle.id]);
      expect(await search([`WEB${tag.toUpperCase()}`])).toEqual([front.id]);
      expect(await search(['nomatch', `web${tag}`, `zz${tag}`])).toEqual([front.id, inside.id]);
      expect(await search([`${tag}y`])).toEqual([]);
      expect(await search([ip.slice(0, 45)], ip.slice(0, 45))).toEqual([byIp.id]);
      expect(await search([mac.toUpperCase()], mac.toUpperCase())).toEqual([byMac.id]);
      // The raw text must equal the address, not merely start it.
      expect(await search([mac.slice(0, 8)], mac.slice(0, 8))).toEqual([]);
    });

    test('searchHosts finds long words, words after punctuation, terms without letters, and raw text the terms do not hold', async () => {
      const tag = uniq();
      const long = `${'a'.repeat(130)}${tag}`;
      const longHost = await enroll({ hostname: `x-${long}.example.com` });
      const dotted = await enroll({ hostname: `n${tag}-n1.local` });
      const symbols = await enroll({ hostname: `s${tag} ...dots` });
      const ip = `172.${uniqCount() % 250}.${Math.floor(Math.random() * 250)}.${tag.length}-${tag}`.slice(0, 45);
      const byIp = await enroll({ hostname: `ip-${uniq()}`, primary_ip: ip });
      const mine = [longHost, dotted, symbols, byIp];
      const search = async (terms: string[], raw = '') => idsAmong(await store.searchHosts({ terms, raw }, [], 100_000), mine);
      expect(await search([long])).toEqual([longHost.id]);
      expect(await search([long.slice(0, 120)])).toEqual([longHost.id]);
      expect(await search([`${long}.example`])).toEqual([longHost.id]);
      expect(await search([`${long}x`])).toEqual([]);
      expect(await search([`n${tag}-n1.loc`])).toEqual([dotted.id]);
      expect(await search([`n1.local`, `s${tag}`])).toEqual([dotted.id, symbols.id]);
      expect(await search(['...dots'])).toEqual([symbols.id]);
      expect(await search(['...'])).toEqual([symbols.id]);
      expect(await search(['nomatch'], ip)).toEqual([byIp.id]);
      expect(await search(['nomatch'], ip.slice(0, -1))).toEqual([]);
    });

    test('labelHostCountsFor counts the members of the given labels only (as labelHostCounts); unknown and empty labels count 0', async () => {
      const [h1, h2, gone] = [await enroll(), await enroll(), await enroll()];
      const [l1, l2, empty] = [await makeLabel(), await makeLabel(), await makeLabel()];
      await join(h1, l1, l2);
      await join(h2, l1);
      await join(gone, l2);
      await store.deleteHost(gone.id);
      const counts = await store.labelHostCountsFor([l1.id, l2.id, empty.id, 987_801, l1.id]);
      expect(counts).toEqual(
        new Map([
          [l1.id, 2],
          [l2.id, 1],
          [empty.id, 0],
          [987_801, 0],
        ]),
      );
      const all = await store.labelHostCounts();
      expect([all.get(l1.id), all.get(l2.id), all.get(empty.id) ?? 0]).toEqual([2, 1, 0]);
      expect(await store.labelHostCountsFor([6])).toEqual(new Map([[6, all.get(6) ?? 0]]));
      expect(await store.labelHostCountsFor([])).toEqual(new Map());
    });

    test('searchHosts takes regex and LIKE characters literally', async () => {
      const tag = uniq();
      const dotted = await enroll({ hostname: `dot${tag}a.b%c_d(e` });
      const lookalike = await enroll({ hostname: `dot${tag}axbzcyd(e` });
      const mine = [dotted, lookalike];
      const search = async (term: string) => idsAmong(await store.searchHosts({ terms: [term], raw: '' }, [], 1000), mine);
      expect(await search(`dot${tag}a.b`)).toEqual([dotted.id]);
      expect(await search(`dot${tag}a.b%c_d(`)).toEqual([dotted.id]);
      expect(await search(`dot${tag}a`)).toEqual([dotted.id, lookalike.id]);
      expect(await search(`dot${tag}a_b`)).toEqual([]);
      expect(await search(`dot${tag}.*`)).toEqual([]);
    });

    test('searchHosts lists matches in id order, excludes ids and limits; no terms means the most recently seen hosts', async () => {
      const tag = uniq();
      const [h1, h2, h3] = [await enroll({ hostname: `seen${tag}-1` }), await enroll({ hostname: `seen${tag}-2` }), await enroll({ hostname: `seen${tag}-3` })];
      await store.markHostsSeen([h1.id], at('2300-01-02T00:00:00Z'));
      await store.markHostsSeen([h2.id], at('2300-01-03T00:00:00Z'));
      await store.markHostsSeen([h3.id], at('2300-01-02T00:00:00Z'));
      const ids = async (terms: string[], exclude: number[], limit: number) => (await store.searchHosts({ terms, raw: '' }, exclude, limit)).map((h) => h.id);
      expect(await ids([`seen${tag}`], [], 10)).toEqual([h1.id, h2.id, h3.id]);
      expect(await ids([`seen${tag}`], [h2.id, 987_601], 10)).toEqual([h1.id, h3.id]);
      expect(await ids([`seen${tag}`], [], 2)).toEqual([h1.id, h2.id]);
      expect(await ids([], [], 3)).toEqual([h2.id, h1.id, h3.id]);
      expect(await ids([], [h1.id], 2)).toEqual([h2.id, h3.id]);
      expect(await ids([''], [], 1)).toEqual([h2.id]);
      expect(await ids([], [], 0)).toEqual([]);
      const [found] = await store.searchHosts({ terms: [`seen${tag}`], raw: '' }, [], 1);
      expect(found).toEqual(await store.host(h1.id));
      const [recent] = await store.searchHosts({ terms: [], raw: '' }, [], 1);
      expect(recent).toEqual(await store.host(h2.id));
    });

    test('searchLabels matches a word start in the name; builtin first, then id; excludes and limits; no terms means the first labels', async () => {
      const tag = uniq();
      const mine = await makeLabel(`Linux-${tag}`);
      const other = await makeLabel(`x${tag}-linuxish`);
      const ids = async (terms: string[], exclude: number[] = [], limit = 100) => (await store.searchLabels(terms, exclude, limit)).map((l) => l.id);
      // Ubuntu Linux (8) and CentOS Linux (9) are builtin.
      const found = await ids(['linux', tag]);
      expect(found.slice(0, 2)).toEqual([8, 9]);
      expect(found.filter((id) => id === mine.id || id === other.id)).toEqual([mine.id, other.id]);
      expect(await ids([`linux-${tag}`])).toEqual([mine.id]);
      expect(await ids([`x${tag}`, 'nomatch'])).toEqual([other.id]);
      expect(await ids([tag.slice(1)])).toEqual([]);
      expect(await ids(['linux', tag], [8, mine.id], 2)).toEqual([9, other.id]);
      expect(await ids([], [], 3)).toEqual([6, 7, 8]);
      expect(await ids([], [7], 3)).toEqual([6, 8, 9]);
      expect((await store.searchLabels(['all'], [], 1))[0]).toEqual(await store.label(6));
    });

    test('countHostsInTargets and hostIdsInTargets take the distinct existing hosts of ids and labels, counted by the summary’s rules', async () => {
      const N = at('2046-03-01T00:00:00Z');
      async function hostAt(created: Date, seen: Date): Promise<Host> {
        const h = await enroll({ distributed_interval: 10, config_tls_refresh: 20 }, created);
        await store.markHostsSeen([h.id], seen);
        return store.host(h.id);
      }
      const online = await hostAt(plus(N, -DAY), plus(N, -39 * SECOND)); // new too
      const edge = await hostAt(plus(N, -2 * DAY), plus(N, -40 * SECOND)); // offline (seen + I = now)
      const both = await hostAt(plus(N, -40 * DAY), plus(N, -30 * DAY)); // offline and mia
      const mia = await hostAt(plus(N, -40 * DAY), plus(N, -31 * DAY));
      const gone = await hostAt(plus(N, -2 * DAY), plus(N, -SECOND));
      const [l1, l2, empty] = [await makeLabel(), await makeLabel(), await makeLabel()];
      await join(online, l1);
      await join(edge, l1, l2);
      await join(both, l2);
      await join(gone, l2);
      await store.deleteHost(gone.id);
      const selection = { host_ids: [online.id, mia.id, mia.id, gone.id, 987_701], label_ids: [l1.id, l2.id, empty.id, 987_702] };
      const hosts = [online, edge, both, mia];
      const expected = {
        total: 4,
        online: hosts.filter((h) => inStatusBucket(h, 'online', N)).length,
        offline: hosts.filter((h) => inStatusBucket(h, 'offline', N)).length,
        mia: hosts.filter((h) => inStatusBucket(h, 'mia', N)).length,
        new: hosts.filter((h) => inStatusBucket(h, 'new', N)).length,
      };
      expect(expected).toEqual({ total: 4, online: 1, offline: 2, mia: 2, new: 1 });
      expect(await store.countHostsInTargets(selection, N)).toEqual(expected);
      expect(await store.hostIdsInTargets(selection)).toEqual(hosts.map((h) => h.id).sort((x, y) => x - y));
      expect(await store.countHostsInTargets({ host_ids: [], label_ids: [l2.id] }, N)).toEqual({ total: 2, online: 0, offline: 2, mia: 1, new: 0 });
      expect(await store.hostIdsInTargets({ host_ids: [edge.id], label_ids: [l1.id] })).toEqual([online.id, edge.id].sort((x, y) => x - y));
      const none = { total: 0, online: 0, offline: 0, mia: 0, new: 0 };
      expect(await store.countHostsInTargets({ host_ids: [], label_ids: [] }, N)).toEqual(none);
      expect(await store.countHostsInTargets({ host_ids: [987_703], label_ids: [empty.id] }, N)).toEqual(none);
      expect(await store.hostIdsInTargets({ host_ids: [], label_ids: [] })).toEqual([]);
    });
  });
}
