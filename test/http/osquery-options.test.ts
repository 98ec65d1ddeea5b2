import { defaultOptionsSpec } from '../../internal/fleet';
import { expectAuthMatrix, makeCallers, matrixFor, withToken, type CallerTokens } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';

const SPEC = '/api/v1/fleet/spec/osquery_options';

const CONFIG = {
  options: { distributed_interval: 3, logger_tls_period: 10, host_identifier: 'uuid', pack_delimiter: '/' },
  decorators: { load: ['SELECT uuid AS host_uuid FROM system_info;'], interval: { '3600': ['SELECT total_seconds FROM uptime;'] } },
  file_paths: { binaries: ['/usr/bin/%', '/usr/sbin/%'] },
};
const DARWIN = { options: { distributed_interval: 10, disable_audit: false }, file_paths: { homes: ['/Users/%/%%'] } };
const LINUX = { options: { distributed_interval: 60 } };

describe('osquery options spec', () => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp();
    admin = (await t.setup()).token;
  });
  afterEach(async () => t.close());

  const get = async () => (await withToken(t.http().get(SPEC), admin)).body;
  const apply = (body: unknown, token = admin) => withToken(t.http().post(SPEC), token).send(body as object);

  describe('GET /spec/osquery_options', () => {
    it('answers the fresh-database default config with overrides {}', async () => {
      const res = await withToken(t.http().get(SPEC), admin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ spec: { config: defaultOptionsSpec().config, overrides: {} } });
      expect(Object.keys(res.body.spec)).toEqual(['config', 'overrides']);
    });

    it('is served under the kolide prefix as well', async () => {
      const res = await withToken(t.http().get('/api/v1/kolide/spec/osquery_options'), admin);
      expect(res.status).toBe(200);
      expect(res.body.spec.overrides).toEqual({});
    });
  });

  describe('POST /spec/osquery_options', () => {
    it('stores the config and platform overrides exactly as sent and answers {}', async () => {
      const res = await apply({ spec: { config: CONFIG, overrides: { platforms: { darwin: DARWIN, linux: LINUX } } } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expect(await get()).toEqual({ spec: { config: CONFIG, overrides: { platforms: { darwin: DARWIN, linux: LINUX } } } });
    });

    it('replaces everything: platforms not listed are removed, and absent overrides mean none', async () => {
      await apply({ spec: { config: CONFIG, overrides: { platforms: { darwin: DARWIN, linux: LINUX } } } }).expect(200);
      await apply({ spec: { config: { options: {} }, overrides: { platforms: { linux: LINUX } } } }).expect(200);
      expect(await get()).toEqual({ spec: { config: { options: {} }, overrides: { platforms: { linux: LINUX } } } });
      await apply({ spec: { config: CONFIG } }).expect(200);
      expect(await get()).toEqual({ spec: { config: CONFIG, overrides: {} } });
      await apply({ spec: { config: CONFIG, overrides: { platforms: {} } } }).expect(200);
      expect((await get()).spec.overrides).toEqual({});
      await apply({ spec: { config: CONFIG, overrides: { platforms: null } } }).expect(200);
      expect((await get()).spec.overrides).toEqual({});
    });

    it('does not check the osquery JSON against a schema (Fleet did not)', async () => {
      const odd = { anything: [1, 'two', null, { three: 3.5 }], 'ünïcode': '✓', empty: {} };
      await apply({ spec: { config: odd } }).expect(200);
      expect((await get()).spec.config).toEqual(odd);
    });

    it('accepts a write from a non-admin user (Fleet quirk kept, §18 item 19)', async () => {
      const user = await t.createUser();
      const res = await apply({ spec: { config: CONFIG } }, user.token);
      expect(res.status).toBe(200);
      expect((await get()).spec.config).toEqual(CONFIG);
    });

    describe('bad input (422, nothing stored)', () => {
      const expect422 = async (body: unknown, name: string, reason?: string | RegExp) => {
        await apply({ spec: { config: CONFIG, overrides: { platforms: { darwin: DARWIN } } } }).expect(200);
        const before = await get();
        const res = await apply(body);
        expect(res.status).toBe(422);
        expect(res.body.message).toBe('Validation Failed');
        const hit = res.body.errors.find((e: { name: string }) => e.name === name);
        expect(hit).toBeDefined();
        if (reason instanceof RegExp) expect(hit.reason).toMatch(reason);
        else if (reason) expect(hit.reason).toBe(reason);
        expect(await get()).toEqual(before);
      };

      it('rejects a body without spec', async () => {
        await expect422({}, 'spec', 'missing required argument');
        await expect422({ config: CONFIG }, 'spec', 'missing required argument');
        await expect422({ spec: null }, 'spec', 'missing required argument');
      });

      it('rejects a spec that is not an object', async () => {
        await expect422({ spec: 'options' }, 'spec', 'must be an object');
        await expect422({ spec: [CONFIG] }, 'spec', 'must be an object');
      });

      it('rejects a spec without config, or with a config that is not an object', async () => {
        await expect422({ spec: {} }, 'spec.config', 'missing required argument');
        await expect422({ spec: { overrides: {} } }, 'spec.config', 'missing required argument');
        await expect422({ spec: { config: null } }, 'spec.config', 'missing required argument');
        await expect422({ spec: { config: 'x' } }, 'spec.config', 'must be an object');
        await expect422({ spec: { config: [1] } }, 'spec.config', 'must be an object');
        await expect422({ spec: { config: 7 } }, 'spec.config', 'must be an object');
      });

      it('rejects overrides or platforms that are not objects', async () => {
        await expect422({ spec: { config: CONFIG, overrides: [] } }, 'spec.overrides', 'must be an object');
        await expect422({ spec: { config: CONFIG, overrides: 'darwin' } }, 'spec.overrides', 'must be an object');
        await expect422({ spec: { config: CONFIG, overrides: { platforms: [] } } }, 'spec.overrides.platforms', 'must be an object');
        await expect422({ spec: { config: CONFIG, overrides: { platforms: { darwin: 'x' } } } }, 'spec.overrides.platforms', 'darwin: must be an object');
        await expect422({ spec: { config: CONFIG, overrides: { platforms: { '': {} } } } }, 'spec.overrides.platforms', 'names must not be empty');
      });
    });

    it('answers 400 to malformed JSON and to a JSON body that is not an object', async () => {
      const malformed = await withToken(t.http().post(SPEC), admin).set('Content-Type', 'application/json').send('{"spec": {"config": ');
      expect(malformed.status).toBe(400);
      for (const body of ['[]', '"spec"', '1']) {
        const res = await withToken(t.http().post(SPEC), admin).set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
      }
      expect((await get()).spec.config).toEqual(defaultOptionsSpec().config);
    });

    it('answers 413 to a body over the size limit', async () => {
      const res = await apply({ spec: { config: { options: { huge: 'x'.repeat(2 * 1024 * 1024) } } } });
      expect(res.status).toBe(413);
    });
  });

  describe('authorization', () => {
    let callers: CallerTokens;
    beforeEach(async () => {
      callers = await makeCallers(t, admin);
    });

    it('GET needs a valid session', async () => {
      await expectAuthMatrix(callers, (auth) => auth(t.http().get(SPEC)), matrixFor('auth'));
    });

    it('POST needs a valid session, not admin', async () => {
      await expectAuthMatrix(callers, (auth) => auth(t.http().post(SPEC)).send({ spec: { config: CONFIG } }), matrixFor('auth'));
    });
  });
});
