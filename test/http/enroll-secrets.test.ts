import { expectAuthMatrix, makeCallers, matrixFor, withToken, type CallerTokens } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';

const SPEC = '/api/v1/fleet/spec/enroll_secret';

describe('enroll secret spec', () => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp();
    admin = (await t.setup()).token;
  });
  afterEach(async () => t.close());

  const get = () => withToken(t.http().get(SPEC), admin);
  const apply = (body: unknown, token = admin) => withToken(t.http().post(SPEC), token).send(body as object);
  const secrets = async () => (await get()).body.specs.secrets as Array<Record<string, unknown>>;

  describe('GET /spec/enroll_secret', () => {
    it('lists the secret setup created, in clear text, with Fleet fields in order', async () => {
      const res = await get();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        specs: {
          secrets: [
            {
              name: 'default',
              secret: expect.stringMatching(/^[A-Za-z0-9+/]{32}$/),
              active: true,
              created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
            },
          ],
        },
      });
      expect(Object.keys(res.body.specs.secrets[0])).toEqual(['name', 'secret', 'active', 'created_at']);
    });

    it('answers secrets: null when there are none', async () => {
      const bare = await startTestApp();
      try {
        const user = await bare.createUser({ admin: true });
        const res = await withToken(bare.http().get(SPEC), user.token);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ specs: { secrets: null } });
      } finally {
        await bare.close();
      }
    });

    it('orders secrets by name', async () => {
      await apply({ spec: { secrets: [{ name: 'zeta', secret: 'z' }, { name: 'alpha', secret: 'a', active: true }] } }).expect(200);
      expect((await secrets()).map((s) => s.name)).toEqual(['alpha', 'default', 'zeta']);
    });

    it('is served under the kolide prefix as well', async () => {
      const res = await withToken(t.http().get('/api/v1/kolide/spec/enroll_secret'), admin);
      expect(res.status).toBe(200);
      expect(res.body.specs.secrets).toHaveLength(1);
    });
  });

  describe('POST /spec/enroll_secret', () => {
    it('adds secrets and answers {} (the corrected example of §14.1)', async () => {
      const res = await apply({
        spec: {
          secrets: [
            { name: 'default', secret: 'abc', active: true },
            { name: 'old', secret: 'xyz', active: false },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expect(await secrets()).toEqual([
        expect.objectContaining({ name: 'default', secret: 'abc', active: true }),
        expect.objectContaining({ name: 'old', secret: 'xyz', active: false }),
      ]);
    });

    it('stores a secret sent without active as inactive (§18 item 30)', async () => {
      await apply({ spec: { secrets: [{ name: 'new', secret: 'n3w' }] } }).expect(200);
      expect((await secrets()).find((s) => s.name === 'new')).toMatchObject({ active: false });
      expect(await t.ds.activeEnrollSecretName('n3w')).toBeNull();
    });

    it('deactivates an existing secret re-sent without active', async () => {
      const original = (await secrets())[0]!;
      await apply({ spec: { secrets: [{ name: 'default', secret: original.secret }] } }).expect(200);
      expect((await secrets())[0]).toMatchObject({ name: 'default', active: false });
      expect(await t.ds.activeEnrollSecretName(original.secret as string)).toBeNull();
    });

    it('leaves secrets it does not list untouched (§18 item 30)', async () => {
      const before = (await secrets())[0];
      await apply({ spec: { secrets: [{ name: 'other', secret: 'o', active: true }] } }).expect(200);
      expect((await secrets()).find((s) => s.name === 'default')).toEqual(before);
    });

    it('updates by name: secret and active replaced, created_at kept', async () => {
      const before = (await secrets())[0]!;
      await new Promise((r) => setTimeout(r, 1100));
      await apply({ spec: { secrets: [{ name: 'default', secret: 'rotated', active: true }] } }).expect(200);
      const after = (await secrets())[0]!;
      expect(after).toEqual({ ...before, secret: 'rotated' });
      expect(await t.ds.activeEnrollSecretName('rotated')).toBe('default');
      expect(await t.ds.activeEnrollSecretName(before.secret as string)).toBeNull();
    });

    it('lets several names share one secret value', async () => {
      await apply({ spec: { secrets: [{ name: 'a', secret: 'same', active: true }, { name: 'b', secret: 'same', active: true }] } }).expect(200);
      expect((await secrets()).filter((s) => s.secret === 'same')).toHaveLength(2);
    });

    it('accepts an empty list and changes nothing', async () => {
      const before = await secrets();
      await apply({ spec: { secrets: [] } }).expect(200);
      expect(await secrets()).toEqual(before);
    });

    describe('bad input (422, nothing applied)', () => {
      const expect422 = async (body: unknown, name: string, reason?: string | RegExp) => {
        const before = await secrets();
        const res = await apply(body);
        expect(res.status).toBe(422);
        expect(res.body.message).toBe('Validation Failed');
        const hit = res.body.errors.find((e: { name: string }) => e.name === name);
        expect(hit).toBeDefined();
        if (reason instanceof RegExp) expect(hit.reason).toMatch(reason);
        else if (reason) expect(hit.reason).toBe(reason);
        expect(await secrets()).toEqual(before);
        return res;
      };

      it('rejects a body without spec', async () => {
        const res = await expect422({}, 'spec', 'missing required argument');
        expect(res.body.errors).toEqual([{ name: 'spec', reason: 'missing required argument' }]);
        await expect422({ secrets: [{ name: 'flat', secret: 'x' }] }, 'spec', 'missing required argument');
      });

      it('rejects a spec that is not an object', async () => {
        await expect422({ spec: 'secrets' }, 'spec', 'must be an object');
        await expect422({ spec: [] }, 'spec', 'must be an object');
      });

      it('rejects secrets that are missing or not an array', async () => {
        await expect422({ spec: {} }, 'spec.secrets', 'missing required argument');
        await expect422({ spec: { secrets: { name: 'a', secret: 'b' } } }, 'spec.secrets', 'must be an array');
        await expect422({ spec: { secrets: 'a' } }, 'spec.secrets', 'must be an array');
      });

      it('rejects items that are not objects', async () => {
        await expect422({ spec: { secrets: [1] } }, 'spec.secrets.0', 'must be an object');
      });

      it('rejects an item without a name or secret, or with empty ones (no silent garbage)', async () => {
        await expect422({ spec: { secrets: [{ secret: 'x' }] } }, 'spec.secrets.0.name', 'missing required argument');
        await expect422({ spec: { secrets: [{ name: 'x' }] } }, 'spec.secrets.0.secret', 'missing required argument');
        await expect422({ spec: { secrets: [{ name: '', secret: 'x' }] } }, 'spec.secrets.0.name', 'must not be empty');
        await expect422({ spec: { secrets: [{ name: 'x', secret: '' }] } }, 'spec.secrets.0.secret', 'must not be empty');
      });

      it('rejects wrong types', async () => {
        await expect422({ spec: { secrets: [{ name: 5, secret: 'x' }] } }, 'spec.secrets.0.name', 'must be a string');
        await expect422({ spec: { secrets: [{ name: 'x', secret: ['y'] }] } }, 'spec.secrets.0.secret', 'must be a string');
        await expect422({ spec: { secrets: [{ name: 'x', secret: 'y', active: 'true' }] } }, 'spec.secrets.0.active', 'must be a boolean');
      });

      it('rejects an over-long name or secret, and too many secrets', async () => {
        await expect422({ spec: { secrets: [{ name: 'n'.repeat(256), secret: 'x' }] } }, 'spec.secrets.0.name', 'is too long');
        await expect422({ spec: { secrets: [{ name: 'x', secret: 's'.repeat(256) }] } }, 'spec.secrets.0.secret', 'is too long');
        const many = Array.from({ length: 1001 }, (_, i) => ({ name: `n${i}`, secret: 's' }));
        await expect422({ spec: { secrets: many } }, 'spec.secrets', /at most 1000/);
      });

      it('rejects a name listed twice', async () => {
        await expect422(
          { spec: { secrets: [{ name: 'dup', secret: 'a', active: true }, { name: 'dup', secret: 'b' }] } },
          'secrets',
          'name "dup" is listed more than once',
        );
      });

      it('applies nothing when one item of several is bad', async () => {
        await expect422({ spec: { secrets: [{ name: 'good', secret: 'g', active: true }, { name: 'bad' }] } }, 'spec.secrets.1.secret');
        expect((await secrets()).map((s) => s.name)).toEqual(['default']);
      });
    });

    it('answers 400 to malformed JSON and to a JSON body that is not an object', async () => {
      const malformed = await withToken(t.http().post(SPEC), admin).set('Content-Type', 'application/json').send('{"spec": [');
      expect(malformed.status).toBe(400);
      for (const body of ['[]', '"spec"', 'true']) {
        const res = await withToken(t.http().post(SPEC), admin).set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
      }
    });

    it('is refused to non-admins with 403 "must be an admin"', async () => {
      const user = await t.createUser();
      const res = await apply({ spec: { secrets: [{ name: 'mine', secret: 'x', active: true }] } }, user.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: 'Permission Denied', errors: [{ reason: 'must be an admin' }] });
      expect((await secrets()).map((s) => s.name)).toEqual(['default']);
    });
  });

  describe('authorization', () => {
    let callers: CallerTokens;
    beforeEach(async () => {
      callers = await makeCallers(t, admin);
    });

    it('GET needs an active account', async () => {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(SPEC)), matrixFor('active'));
    });

    it('POST needs an active admin', async () => {
      await expectAuthMatrix(
        callers,
        (auth, caller) => auth(t.http().post(SPEC)).send({ spec: { secrets: [{ name: caller, secret: 'x', active: true }] } }),
        matrixFor('admin'),
      );
      expect((await secrets()).map((s) => s.name)).toEqual(['admin', 'default']);
    });
  });
});
