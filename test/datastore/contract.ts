// The datastore contract: the behaviour every adapter (inmem, embedded, postgres) must
// show through the ports of internal/fleet. One store is opened per run (the embedded
// store takes seconds to boot), so tests make their own uniquely named records and only
// the "fresh store" block, declared first, relies on an empty store.
import {
  AlreadyExistsError,
  BUILTIN_LABELS,
  defaultAppConfig,
  defaultOptionsSpec,
  NotFoundError,
  type AppConfig,
  type Datastore,
  type ListOptions,
  type NewInvite,
  type NewUser,
  type User,
} from '../../internal/fleet';
import { expectError, idsAmong, newUserInput, sleep, uniq } from './contract-helpers';
import { describeCampaignContract } from './contract-campaigns';
import { describeHostAndLabelContract } from './contract-hosts';
import { describeCarveContract } from './contract-carves';
import { describeQueryPackTargetContract } from './contract-queries-packs';

export { newUserInput };

function newInviteInput(invitedBy: number, overrides: Partial<NewInvite> = {}): NewInvite {
  const tag = uniq();
  return {
    invited_by: invitedBy,
    email: `invitee${tag}@example.com`,
    admin: false,
    name: `Invitee ${tag}`,
    position: 'engineer',
    sso_enabled: false,
    token_hash: `invite-token-${tag}`,
    ...overrides,
  };
}

const all = (o: Partial<ListOptions> = {}): ListOptions => ({ page: 0, orderDirection: 'asc', ...o });

export function describeDatastoreContract(
  name: string,
  open: () => Promise<Datastore>,
  cleanup?: () => Promise<void>,
): void {
  describe(`${name} datastore contract`, () => {
    let store: Datastore;
    let statusBeforePrepare: { pending: string[]; unknown: string[] };

    beforeAll(async () => {
      store = await open();
      statusBeforePrepare = await store.migrationStatus();
      await store.prepare();
    }, 180_000);

    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    }, 60_000);

    async function makeUser(overrides: Partial<NewUser> = {}): Promise<User> {
      return store.newUser(newUserInput(overrides));
    }

    describe('a fresh store', () => {
      test('lists the five builtin labels with ids 6–10 in seed order', async () => {
        const labels = await store.listLabels();
        expect(labels.map((l) => l.id)).toEqual([6, 7, 8, 9, 10]);
        expect(labels.map((l) => l.name)).toEqual(BUILTIN_LABELS.map((l) => l.name));
        labels.forEach((label, i) => {
          expect(label).toMatchObject({ ...BUILTIN_LABELS[i] });
          expect(label.created_at).toBeInstanceOf(Date);
          expect(label.updated_at).toBeInstanceOf(Date);
        });
      });

      test('appConfig returns defaults until saved', async () => {
        expect(await store.appConfig()).toEqual(defaultAppConfig());
      });

      test('osqueryOptions returns defaults until applied', async () => {
        expect(await store.osqueryOptions()).toEqual(defaultOptionsSpec());
      });

      test('has no enroll secrets', async () => {
        expect(await store.enrollSecrets()).toEqual([]);
      });

      test('has no hosts and no label members', async () => {
        const now = new Date();
        expect(await store.listHosts({ page: 0, orderDirection: 'asc', now })).toEqual([]);
        expect(await store.hostStatusSummary(now)).toEqual({ online_count: 0, offline_count: 0, mia_count: 0, new_count: 0 });
        expect(await store.labelHostCounts()).toEqual(new Map());
        expect(await store.labelMemberHostnames(6)).toEqual([]);
      });

      test('has no queries, packs or scheduled queries', async () => {
        expect(await store.listQueries(all())).toEqual([]);
        expect(await store.listPacks(all())).toEqual([]);
        expect(await store.packSpecs()).toEqual([]);
        expect(await store.allPacksForAgents()).toEqual([]);
        expect(await store.searchHosts({ terms: [], raw: '' }, [], 10)).toEqual([]);
        expect((await store.searchLabels([], [], 10)).map((l) => l.id)).toEqual([6, 7, 8, 9, 10]);
      });
    });

    describe('lifecycle', () => {
      test('kind names the adapter', () => {
        expect(['inmem', 'embedded', 'postgres']).toContain(store.kind);
      });

      test('migrationStatus reports nothing unknown, and nothing pending after prepare', async () => {
        expect(statusBeforePrepare.unknown).toEqual([]);
        expect(await store.migrationStatus()).toEqual({ pending: [], unknown: [] });
      });

      test('prepare is idempotent: no duplicate labels, data kept', async () => {
        const user = await makeUser();
        await store.prepare();
        await store.ensureBuiltinLabels();
        const labels = await store.listLabels();
        expect(labels.filter((l) => l.label_type === 'builtin').map((l) => l.id)).toEqual([6, 7, 8, 9, 10]);
        expect((await store.user(user.id)).username).toBe(user.username);
      });

      test('healthCheck answers on an open store', async () => {
        await expect(store.healthCheck()).resolves.toBeUndefined();
      });
    });

    describe('users', () => {
      test('newUser assigns an id and timestamps and returns every field', async () => {
        const input = newUserInput({ admin: true, position: 'CTO', gravatar_url: 'https://g/x' });
        const user = await store.newUser(input);
        expect(user).toMatchObject(input);
        expect(user.id).toBeGreaterThan(0);
        expect(user.created_at).toBeInstanceOf(Date);
        expect(user.updated_at).toBeInstanceOf(Date);
        expect(await store.user(user.id)).toEqual(user);
      });

      test('a username is unique regardless of case', async () => {
        const user = await makeUser();
        await expectError(store.newUser(newUserInput({ username: user.username.toUpperCase() })), AlreadyExistsError);
      });

      test('an email is unique regardless of case', async () => {
        const user = await makeUser();
        await expectError(store.newUser(newUserInput({ email: user.email.toUpperCase() })), AlreadyExistsError);
      });

      test('user throws NotFoundError for a missing id', async () => {
        await expectError(store.user(987654), NotFoundError, 'User with id=987654 was not found in the datastore');
      });

      test('userByEmail and userByUsername ignore case and return null when absent', async () => {
        const user = await makeUser();
        expect((await store.userByEmail(user.email.toUpperCase()))?.id).toBe(user.id);
        expect((await store.userByUsername(user.username.toUpperCase()))?.id).toBe(user.id);
        expect(await store.userByEmail(`nobody${uniq()}@example.com`)).toBeNull();
        expect(await store.userByUsername(`nobody${uniq()}`)).toBeNull();
      });

      test('countUsers counts every user', async () => {
        const before = await store.countUsers();
        await makeUser();
        await makeUser();
        expect(await store.countUsers()).toBe(before + 2);
      });

      test('listUsers defaults to id order and returns all rows when perPage is absent', async () => {
        await makeUser();
        const list = await store.listUsers(all());
        expect(list).toHaveLength(await store.countUsers());
        const ids = list.map((u) => u.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
      });

      test('listUsers pages and orders by an allowed key', async () => {
        const tag = uniq();
        const b = await makeUser({ name: `b ${tag}` });
        const a = await makeUser({ name: `a ${tag}` });
        const c = await makeUser({ name: `c ${tag}` });
        const mine = [a.id, b.id, c.id];
        expect(idsAmong(await store.listUsers(all({ orderKey: 'name' })), mine)).toEqual([a.id, b.id, c.id]);
        expect(idsAmong(await store.listUsers(all({ orderKey: 'name', orderDirection: 'desc' })), mine)).toEqual([
          c.id,
          b.id,
          a.id,
        ]);

        const full = await store.listUsers(all({ orderKey: 'id' }));
        const page1 = await store.listUsers(all({ orderKey: 'id', perPage: 2, page: 1 }));
        expect(page1.map((u) => u.id)).toEqual(full.slice(2, 4).map((u) => u.id));
        const beyond = await store.listUsers(all({ perPage: 2, page: 100_000 }));
        expect(beyond).toEqual([]);
      });

      test('listUsers orders booleans false first, ties by id', async () => {
        const plain1 = await makeUser();
        const admin1 = await makeUser({ admin: true });
        const plain2 = await makeUser();
        const admin2 = await makeUser({ admin: true });
        const mine = [plain1.id, admin1.id, plain2.id, admin2.id];
        expect(idsAmong(await store.listUsers(all({ orderKey: 'admin' })), mine)).toEqual([
          plain1.id,
          plain2.id,
          admin1.id,
          admin2.id,
        ]);
        expect(idsAmong(await store.listUsers(all({ orderKey: 'admin', orderDirection: 'desc' })), mine)).toEqual([
          admin1.id,
          admin2.id,
          plain1.id,
          plain2.id,
        ]);
      });

      test('admin_forced_password_reset orders by force_password_reset', async () => {
        const forced = await makeUser({ force_password_reset: true });
        const free = await makeUser();
        const mine = [forced.id, free.id];
        const list = await store.listUsers(all({ orderKey: 'admin_forced_password_reset', orderDirection: 'desc' }));
        expect(idsAmong(list, mine)).toEqual([forced.id, free.id]);
      });

      test('saveUser saves every mutable field and bumps updated_at', async () => {
        const user = await makeUser();
        await sleep(5);
        const changed: User = {
          ...user,
          username: `renamed${uniq()}`,
          name: 'Renamed',
          email: `renamed${uniq()}@example.com`,
          admin: true,
          enabled: false,
          force_password_reset: true,
          gravatar_url: 'https://gravatar/x',
          position: 'Boss',
          sso_enabled: true,
          password_hash: 'new-hash',
          salt: 'new-salt',
        };
        const saved = await store.saveUser(changed);
        const { updated_at: _u, created_at: _c, ...fields } = changed;
        expect(saved).toMatchObject(fields);
        expect(saved.created_at.getTime()).toBe(user.created_at.getTime());
        expect(saved.updated_at.getTime()).toBeGreaterThan(user.updated_at.getTime());
        expect(await store.user(user.id)).toEqual(saved);
      });

      test('saveUser may keep its own username and email, in another case', async () => {
        const user = await makeUser();
        const saved = await store.saveUser({ ...user, email: user.email.toUpperCase() });
        expect(saved.email).toBe(user.email.toUpperCase());
      });

      test("saveUser rejects another user's username or email", async () => {
        const taken = await makeUser();
        const user = await makeUser();
        await expectError(store.saveUser({ ...user, username: taken.username.toUpperCase() }), AlreadyExistsError);
        await expectError(store.saveUser({ ...user, email: taken.email }), AlreadyExistsError);
        expect(await store.user(user.id)).toEqual(user);
      });

      test('saveUser throws NotFoundError for a missing user', async () => {
        const ghost = { ...(await makeUser()), id: 987655 };
        await expectError(store.saveUser(ghost), NotFoundError, 'User with id=987655 was not found in the datastore');
      });

      test('returned users are copies: mutating them changes nothing stored', async () => {
        const user = await makeUser();
        user.name = 'mutated';
        user.created_at.setTime(0);
        const again = await store.user(user.id);
        expect(again.name).not.toBe('mutated');
        expect(again.created_at.getTime()).not.toBe(0);
        const listed = await store.listUsers(all());
        listed.forEach((u) => (u.name = 'mutated'));
        expect((await store.user(user.id)).name).not.toBe('mutated');
      });
    });

    describe('sessions', () => {
      test('newSession stores the key hash and sets created_at and accessed_at', async () => {
        const user = await makeUser();
        const key = `key-${uniq()}`;
        const session = await store.newSession(user.id, key);
        expect(session).toMatchObject({ user_id: user.id, key_hash: key });
        expect(session.id).toBeGreaterThan(0);
        expect(session.created_at).toBeInstanceOf(Date);
        expect(session.accessed_at).toBeInstanceOf(Date);
        expect(await store.session(session.id)).toEqual(session);
        expect(await store.sessionByKeyHash(key)).toEqual(session);
      });

      test('newSession for a missing user throws NotFoundError', async () => {
        await expectError(store.newSession(987656, `key-${uniq()}`), NotFoundError);
      });

      test('a key hash belongs to one session only', async () => {
        const user = await makeUser();
        const key = `key-${uniq()}`;
        await store.newSession(user.id, key);
        await expectError(store.newSession(user.id, key), AlreadyExistsError);
      });

      test('sessionByKeyHash returns null for an unknown key and session throws NotFoundError', async () => {
        expect(await store.sessionByKeyHash(`nope-${uniq()}`)).toBeNull();
        await expectError(store.session(987657), NotFoundError, 'Session 987657 was not found in the datastore');
      });

      test('listSessionsForUser lists only that user’s sessions', async () => {
        const user = await makeUser();
        const other = await makeUser();
        const s1 = await store.newSession(user.id, `key-${uniq()}`);
        const s2 = await store.newSession(user.id, `key-${uniq()}`);
        await store.newSession(other.id, `key-${uniq()}`);
        const list = await store.listSessionsForUser(user.id);
        expect(list.map((s) => s.id).sort((a, b) => a - b)).toEqual([s1.id, s2.id]);
        expect(await store.listSessionsForUser(987658)).toEqual([]);
      });

      test('markSessionAccessed sets accessed_at exactly; a missing session is ignored', async () => {
        const user = await makeUser();
        const session = await store.newSession(user.id, `key-${uniq()}`);
        const at = new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
        await store.markSessionAccessed(session.id, at);
        const read = await store.session(session.id);
        expect(read.accessed_at.getTime()).toBe(at.getTime());
        expect(read.created_at.getTime()).toBe(session.created_at.getTime());
        await expect(store.markSessionAccessed(987659, at)).resolves.toBeUndefined();
      });

      test('destroySession removes one session; a missing one is ignored', async () => {
        const user = await makeUser();
        const gone = await store.newSession(user.id, `key-${uniq()}`);
        const kept = await store.newSession(user.id, `key-${uniq()}`);
        await store.destroySession(gone.id);
        expect(await store.sessionByKeyHash(gone.key_hash)).toBeNull();
        expect(await store.sessionByKeyHash(kept.key_hash)).not.toBeNull();
        await expect(store.destroySession(gone.id)).resolves.toBeUndefined();
      });

      test("destroyAllSessionsForUser leaves other users' sessions", async () => {
        const user = await makeUser();
        const other = await makeUser();
        await store.newSession(user.id, `key-${uniq()}`);
        await store.newSession(user.id, `key-${uniq()}`);
        const kept = await store.newSession(other.id, `key-${uniq()}`);
        await store.destroyAllSessionsForUser(user.id);
        expect(await store.listSessionsForUser(user.id)).toEqual([]);
        expect(await store.listSessionsForUser(other.id)).toEqual([kept]);
      });
    });

    describe('invites', () => {
      test('newInvite stores every field and is found by id, token hash and email', async () => {
        const inviter = await makeUser();
        const input = newInviteInput(inviter.id, { admin: true, sso_enabled: true });
        const invite = await store.newInvite(input);
        expect(invite).toMatchObject(input);
        expect(invite.id).toBeGreaterThan(0);
        expect(invite.created_at).toBeInstanceOf(Date);
        expect(await store.invite(invite.id)).toEqual(invite);
        expect(await store.inviteByTokenHash(input.token_hash)).toEqual(invite);
        expect(await store.inviteByEmail(input.email.toUpperCase())).toEqual(invite);
      });

      test('only one invite per email, regardless of case', async () => {
        const inviter = await makeUser();
        const first = await store.newInvite(newInviteInput(inviter.id));
        await expectError(
          store.newInvite(newInviteInput(inviter.id, { email: first.email.toUpperCase() })),
          AlreadyExistsError,
          'Invite 0 already exists in the datastore',
        );
      });

      test('lookups of unknown invites return null or throw NotFoundError', async () => {
        expect(await store.inviteByTokenHash(`nope-${uniq()}`)).toBeNull();
        expect(await store.inviteByEmail(`nope${uniq()}@example.com`)).toBeNull();
        await expectError(store.invite(987660), NotFoundError, 'invites 987660 was not found in the datastore');
      });

      test('listInvites pages and orders by an allowed key', async () => {
        const inviter = await makeUser();
        const tag = uniq();
        const y = await store.newInvite(newInviteInput(inviter.id, { email: `y${tag}@example.com` }));
        const x = await store.newInvite(newInviteInput(inviter.id, { email: `x${tag}@example.com` }));
        const mine = [x.id, y.id];
        expect(idsAmong(await store.listInvites(all({ orderKey: 'email' })), mine)).toEqual([x.id, y.id]);
        expect(idsAmong(await store.listInvites(all()), mine)).toEqual([y.id, x.id]);
        const full = await store.listInvites(all());
        const page = await store.listInvites(all({ perPage: 1, page: 1 }));
        expect(page.map((i) => i.id)).toEqual(full.slice(1, 2).map((i) => i.id));
      });

      test('deleteInvite removes it; deleting again throws NotFoundError', async () => {
        const inviter = await makeUser();
        const invite = await store.newInvite(newInviteInput(inviter.id));
        await store.deleteInvite(invite.id);
        expect(await store.inviteByEmail(invite.email)).toBeNull();
        await expectError(store.deleteInvite(invite.id), NotFoundError, `invites ${invite.id} was not found in the datastore`);
        // The address is free again.
        await expect(store.newInvite(newInviteInput(inviter.id, { email: invite.email }))).resolves.toBeDefined();
      });
    });

    describe('password resets', () => {
      test('a request is found by token hash with its expiry', async () => {
        const user = await makeUser();
        const token = `reset-${uniq()}`;
        const expires = new Date(Date.UTC(2031, 5, 6, 7, 8, 9, 123));
        const request = await store.newPasswordResetRequest(user.id, token, expires);
        expect(request).toMatchObject({ user_id: user.id, token_hash: token });
        expect(request.expires_at.getTime()).toBe(expires.getTime());
        expect(request.created_at).toBeInstanceOf(Date);
        expect(await store.passwordResetByTokenHash(token)).toEqual(request);
        expect(await store.passwordResetByTokenHash(`nope-${uniq()}`)).toBeNull();
      });

      test('a request for a missing user throws NotFoundError', async () => {
        await expectError(store.newPasswordResetRequest(987661, `reset-${uniq()}`, new Date()), NotFoundError);
      });

      test("deletePasswordResetsForUser removes that user's requests only", async () => {
        const user = await makeUser();
        const other = await makeUser();
        const t1 = `reset-${uniq()}`;
        const t2 = `reset-${uniq()}`;
        const t3 = `reset-${uniq()}`;
        await store.newPasswordResetRequest(user.id, t1, new Date());
        await store.newPasswordResetRequest(user.id, t2, new Date());
        await store.newPasswordResetRequest(other.id, t3, new Date());
        await store.deletePasswordResetsForUser(user.id);
        expect(await store.passwordResetByTokenHash(t1)).toBeNull();
        expect(await store.passwordResetByTokenHash(t2)).toBeNull();
        expect(await store.passwordResetByTokenHash(t3)).not.toBeNull();
      });
    });

    describe('email changes', () => {
      test('confirming a pending change sets the email and consumes the request', async () => {
        const user = await makeUser();
        const newEmail = `changed${uniq()}@example.com`;
        await store.newPendingEmailChange(user.id, newEmail, 'token-a');
        expect(await store.confirmPendingEmailChange(user.id, 'token-a')).toBe(newEmail);
        expect((await store.user(user.id)).email).toBe(newEmail);
        expect((await store.userByEmail(newEmail))?.id).toBe(user.id);
        await expectError(store.confirmPendingEmailChange(user.id, 'token-a'), NotFoundError);
      });

      test('a new pending change replaces the previous one', async () => {
        const user = await makeUser();
        await store.newPendingEmailChange(user.id, `first${uniq()}@example.com`, 'token-1');
        const second = `second${uniq()}@example.com`;
        await store.newPendingEmailChange(user.id, second, 'token-2');
        await expectError(store.confirmPendingEmailChange(user.id, 'token-1'), NotFoundError);
        expect(await store.confirmPendingEmailChange(user.id, 'token-2')).toBe(second);
      });

      test("a token only confirms its own user's change", async () => {
        const user = await makeUser();
        const other = await makeUser();
        await store.newPendingEmailChange(user.id, `mine${uniq()}@example.com`, 'token-x');
        await expectError(store.confirmPendingEmailChange(other.id, 'token-x'), NotFoundError);
        expect((await store.user(user.id)).email).toBe(user.email);
      });

      test('confirming fails with AlreadyExistsError when the address was taken meanwhile', async () => {
        const user = await makeUser();
        const wanted = `wanted${uniq()}@example.com`;
        await store.newPendingEmailChange(user.id, wanted, 'token-w');
        await makeUser({ email: wanted.toUpperCase() });
        await expectError(store.confirmPendingEmailChange(user.id, 'token-w'), AlreadyExistsError);
        expect((await store.user(user.id)).email).toBe(user.email);
      });

      test('a pending change for a missing user throws NotFoundError', async () => {
        await expectError(store.newPendingEmailChange(987662, `x${uniq()}@example.com`, 't'), NotFoundError);
      });
    });

    describe('app config', () => {
      test('saveAppConfig replaces the config and appConfig returns it', async () => {
        const config: AppConfig = defaultAppConfig();
        config.org_info.org_name = 'Acme';
        config.server_settings.kolide_server_url = 'https://fleet.example.com';
        config.smtp_settings = { ...config.smtp_settings, configured: true, port: 2525, authentication_method: 'authmethod_login' };
        config.host_settings.additional_queries = { time: 'select * from time' };
        await store.saveAppConfig(config);
        expect(await store.appConfig()).toEqual(config);

        config.org_info.org_name = 'Acme 2';
        await store.saveAppConfig(config);
        expect((await store.appConfig()).org_info.org_name).toBe('Acme 2');
      });

      test('the returned config is a copy', async () => {
        const config = await store.appConfig();
        config.org_info.org_name = 'mutated';
        expect((await store.appConfig()).org_info.org_name).not.toBe('mutated');
      });
    });

    describe('enroll secrets', () => {
      test('applyEnrollSecrets upserts by name and keeps created_at', async () => {
        const tag = uniq();
        await store.applyEnrollSecrets([
          { name: `a-${tag}`, secret: `s1-${tag}`, active: true },
          { name: `c-${tag}`, secret: `s3-${tag}`, active: true },
        ]);
        const before = (await store.enrollSecrets()).find((s) => s.name === `a-${tag}`)!;
        expect(before.created_at).toBeInstanceOf(Date);
        await sleep(5);
        await store.applyEnrollSecrets([
          { name: `a-${tag}`, secret: `s1b-${tag}`, active: false },
          { name: `b-${tag}`, secret: `s2-${tag}`, active: true },
        ]);
        const mine = (await store.enrollSecrets()).filter((s) => s.name.endsWith(tag));
        expect(mine.map((s) => [s.name, s.secret, s.active])).toEqual([
          [`a-${tag}`, `s1b-${tag}`, false],
          [`b-${tag}`, `s2-${tag}`, true],
          [`c-${tag}`, `s3-${tag}`, true],
        ]);
        expect(mine[0]!.created_at.getTime()).toBe(before.created_at.getTime());
      });

      test('enrollSecrets are ordered by name', async () => {
        const names = (await store.enrollSecrets()).map((s) => s.name);
        expect(names).toEqual([...names].sort());
      });

      test('applying an empty list changes nothing; a repeated name keeps the last entry', async () => {
        const before = await store.enrollSecrets();
        await store.applyEnrollSecrets([]);
        expect(await store.enrollSecrets()).toEqual(before);
        const name = `dup-${uniq()}`;
        await store.applyEnrollSecrets([
          { name, secret: `first-${name}`, active: true },
          { name, secret: `last-${name}`, active: true },
        ]);
        expect((await store.enrollSecrets()).find((s) => s.name === name)?.secret).toBe(`last-${name}`);
      });

      test('activeEnrollSecretName finds only active secrets', async () => {
        const tag = uniq();
        await store.applyEnrollSecrets([
          { name: `on-${tag}`, secret: `live-${tag}`, active: true },
          { name: `off-${tag}`, secret: `dead-${tag}`, active: false },
        ]);
        expect(await store.activeEnrollSecretName(`live-${tag}`)).toBe(`on-${tag}`);
        expect(await store.activeEnrollSecretName(`dead-${tag}`)).toBeNull();
        expect(await store.activeEnrollSecretName(`unknown-${tag}`)).toBeNull();
      });
    });

    describe('osquery options', () => {
      test('applyOsqueryOptions replaces config and every override at once', async () => {
        await store.applyOsqueryOptions({
          config: { options: { distributed_interval: 3 } },
          overrides: { platforms: { darwin: { options: { a: 1 } }, linux: { options: { b: 2 } } } },
        });
        const spec = { config: { options: { logger_plugin: 'tls' }, nested: [1, { x: null }] }, overrides: { platforms: { windows: { options: { c: 3 } } } } };
        await store.applyOsqueryOptions(spec);
        expect(await store.osqueryOptions()).toEqual(spec);
        await store.applyOsqueryOptions({ config: { options: {} }, overrides: {} });
        expect(await store.osqueryOptions()).toEqual({ config: { options: {} }, overrides: {} });
      });
    });

    describe('labels', () => {
      test('ensureBuiltinLabels restores nothing twice and listLabels returns copies', async () => {
        await store.ensureBuiltinLabels();
        const labels = await store.listLabels();
        expect(labels.filter((l) => l.label_type === 'builtin')).toHaveLength(BUILTIN_LABELS.length);
        labels[0]!.name = 'mutated';
        expect((await store.listLabels())[0]!.name).toBe(BUILTIN_LABELS[0]!.name);
      });
    });

    describeHostAndLabelContract(() => store);

    describeQueryPackTargetContract(() => store);

    describeCarveContract(() => store);

    describeCampaignContract(() => store);

    describe('concurrency', () => {
      test('overlapping writes from many callers all land and stay apart', async () => {
        const users = await Promise.all(Array.from({ length: 10 }, () => makeUser()));
        const tag = uniq();
        await Promise.all([
          ...users.map((u, i) => store.newSession(u.id, `conc-${tag}-${i}`)),
          ...users.map((u, i) => store.newPendingEmailChange(u.id, `conc${i}-${tag}@example.com`, `tok-${i}`)),
          ...users.map((_u, i) => store.applyEnrollSecrets([{ name: `conc-${tag}-${i}`, secret: `cs-${tag}-${i}`, active: true }])),
        ]);
        const confirmed = await Promise.all(users.map((u, i) => store.confirmPendingEmailChange(u.id, `tok-${i}`)));
        expect(confirmed).toEqual(users.map((_u, i) => `conc${i}-${tag}@example.com`));
        for (const [i, u] of users.entries()) {
          expect((await store.sessionByKeyHash(`conc-${tag}-${i}`))?.user_id).toBe(u.id);
          expect((await store.user(u.id)).email).toBe(`conc${i}-${tag}@example.com`);
        }
        // Two callers racing for one address: exactly one wins.
        const wanted = `race${tag}@example.com`;
        const results = await Promise.allSettled([makeUser({ email: wanted }), makeUser({ email: wanted.toUpperCase() })]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(AlreadyExistsError);
      });
    });
  });
}
