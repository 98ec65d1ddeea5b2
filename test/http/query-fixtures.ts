import type { Test } from 'supertest';
import type { InvalidationEvent } from '../../internal/cache/invalidation-bus';
import { makeCallers, type CallerTokens } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';
import { FLEET } from './helpers';

/** Shorthands for the query, pack and schedule tests: admin requests and fixtures made over HTTP. */
export function queryPackClient(t: TestApp, token: () => string) {
  let seq = 0;
  const as = (req: Test) => req.set('Authorization', `Bearer ${token()}`);
  const get = (path: string) => as(t.http().get(`${FLEET}${path}`));
  const post = (path: string, body: unknown) => as(t.http().post(`${FLEET}${path}`)).send(body as object);
  const patch = (path: string, body: unknown) => as(t.http().patch(`${FLEET}${path}`)).send(body as object);
  const del = (path: string) => as(t.http().delete(`${FLEET}${path}`));
  /** Sends a raw (possibly malformed) JSON text. */
  const raw = (method: 'post' | 'patch', path: string, text: string) =>
    as(t.http()[method](`${FLEET}${path}`)).set('Content-Type', 'application/json').send(text);

  const must = (what: string, res: { status: number; text: string }) => {
    if (res.status !== 200) throw new Error(`${what}: ${res.status} ${res.text}`);
  };

  async function newQuery(fields: { name?: string; query?: string; description?: string } = {}) {
    const res = await post('/queries', { name: `query-${++seq}-${Date.now()}`, query: 'select 1;', ...fields });
    must('create query', res);
    return res.body.query as { id: number; name: string; query: string };
  }

  async function newPack(fields: Record<string, unknown> = {}) {
    const res = await post('/packs', { name: `pack-${++seq}-${Date.now()}`, ...fields });
    must('create pack', res);
    return res.body.pack as { id: number; name: string };
  }

  async function schedule(packId: number, queryId: number, fields: Record<string, unknown> = {}) {
    const res = await post('/schedule', { pack_id: packId, query_id: queryId, interval: 60, ...fields });
    must('schedule query', res);
    return res.body.scheduled as { id: number; name: string; pack_id: number; query_id: number };
  }

  const unique = (prefix: string) => `${prefix}-${++seq}-${Date.now()}`;

  return { as, get, post, patch, del, raw, newQuery, newPack, schedule, unique };
}

/**
 * Records bus events; `configChanges()` counts `agent-config-changed` and `count(kind)` any
 * kind, since the last reset.
 */
export function eventRecorder(t: TestApp) {
  let events: InvalidationEvent[] = [];
  t.bus.subscribe((e) => events.push(e));
  return {
    reset: () => {
      events = [];
    },
    configChanges: () => events.filter((e) => e.kind === 'agent-config-changed').length,
    count: (kind: InvalidationEvent['kind']) => events.filter((e) => e.kind === kind).length,
  };
}

/** A test file's shared app, set up with an admin: its token and id, a caller per role, a client and an event recorder. */
export interface AdminApp {
  t: TestApp;
  adminToken: string;
  adminId: number;
  callers: CallerTokens;
  c: ReturnType<typeof queryPackClient>;
  ev: ReturnType<typeof eventRecorder>;
}

/**
 * Registers a test file's hooks: beforeAll starts and sets up the app and hands it to `assign`;
 * beforeEach forgets recorded events; afterAll closes the app. Typical use:
 *
 *     let { t, adminToken, c, ev } = {} as AdminApp;
 *     useAdminApp((app) => ({ t, adminToken, c, ev } = app));
 */
export function useAdminApp(assign: (app: AdminApp) => void): void {
  let app: AdminApp | undefined;
  beforeAll(async () => {
    const t = await startTestApp();
    const setup = await t.setup();
    const adminToken = setup.token;
    const callers = await makeCallers(t, adminToken);
    app = { t, adminToken, adminId: setup.user.id, callers, c: queryPackClient(t, () => adminToken), ev: eventRecorder(t) };
    assign(app);
  });
  beforeEach(() => app!.ev.reset());
  afterAll(() => app!.t.close());
}

export const QUERY_KEYS = ['created_at', 'updated_at', 'id', 'name', 'description', 'query', 'saved', 'author_id', 'author_name', 'packs'];
export const PACK_KEYS = ['created_at', 'updated_at', 'id', 'name', 'description', 'platform', 'disabled'];
export const PACK_RESPONSE_KEYS = [...PACK_KEYS, 'query_count', 'total_hosts_count', 'host_ids', 'label_ids'];
export const SCHEDULED_KEYS = [
  'created_at',
  'updated_at',
  'id',
  'pack_id',
  'name',
  'query_id',
  'query_name',
  'query',
  'description',
  'interval',
  'snapshot',
  'removed',
  'platform',
  'version',
  'shard',
  'denylist',
];

/** `keys` without the omitted ones, in order. */
export const keysWithout = (keys: string[], omitted: string[] = []) => keys.filter((k) => !omitted.includes(k));

export const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
