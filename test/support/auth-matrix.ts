import type { Test } from 'supertest';
import { PASSWORD, type TestApp } from './test-app';

/** The six kinds of caller every route is checked against. */
export const CALLERS = ['anonymous', 'bad_token', 'user', 'admin', 'disabled', 'reset_required'] as const;
export type Caller = (typeof CALLERS)[number];

export interface CallerTokens {
  tokens: Record<Caller, string | undefined>;
  ids: Record<Exclude<Caller, 'anonymous' | 'bad_token'>, number>;
}

let seq = 0;

/**
 * Tokens for each kind of caller. `disabled` holds a token issued before the account was
 * disabled; `reset_required` a token from logging in after an admin required a reset.
 * Requires that setup has run (the admin token is `adminToken`).
 */
export async function makeCallers(t: TestApp, adminToken: string): Promise<CallerTokens> {
  const n = ++seq;
  const user = await t.createUser({ username: `plain${n}`, email: `plain${n}@example.com` });
  const disabled = await t.createUser({ username: `gone${n}`, email: `gone${n}@example.com` });
  await t.services.users.enableUser(disabled.user.id, false);
  const reset = await t.createUser({ username: `reset${n}`, email: `reset${n}@example.com` });
  await t.services.users.requirePasswordReset(reset.user.id, true);
  const resetToken = await t.login(reset.user.username, PASSWORD);
  const admin = await t.services.sessions.authenticate(adminToken);
  return {
    tokens: {
      anonymous: undefined,
      bad_token: 'not-a-real-token',
      user: user.token,
      admin: adminToken,
      disabled: disabled.token,
      reset_required: resetToken,
    },
    ids: { user: user.user.id, admin: admin.user.id, disabled: disabled.user.id, reset_required: reset.user.id },
  };
}

export function withToken(test: Test, token: string | undefined): Test {
  return token === undefined ? test : test.set('Authorization', `Bearer ${token}`);
}

/**
 * Sends the request built by `send` once per caller and checks each status. `send`
 * must pass its request through `auth` (which sets the caller's token); it is called
 * afresh for every caller so destructive routes can prepare fresh data first.
 */
export async function expectAuthMatrix(
  callers: CallerTokens,
  send: (auth: (test: Test) => Test, caller: Caller) => PromiseLike<{ status: number }>,
  expected: Record<Caller, number>,
): Promise<void> {
  const got: Partial<Record<Caller, number>> = {};
  for (const caller of CALLERS) {
    const res = await send((test) => withToken(test, callers.tokens[caller]), caller);
    got[caller] = res.status;
  }
  expect(got).toEqual(expected);
}

/** The usual expectations by authorization class, with `ok` as the success status. */
export function matrixFor(cls: 'auth' | 'active' | 'admin' | 'public' | 'auth_any', ok = 200): Record<Caller, number> {
  const denied = { anonymous: 401, bad_token: 401, disabled: 401 };
  switch (cls) {
    case 'public':
      return { anonymous: ok, bad_token: ok, user: ok, admin: ok, disabled: ok, reset_required: ok };
    case 'auth_any':
      return { ...denied, user: ok, admin: ok, reset_required: ok };
    case 'auth':
    case 'active':
      return { ...denied, user: ok, admin: ok, reset_required: 403 };
    case 'admin':
      return { ...denied, user: 403, admin: ok, reset_required: 403 };
  }
}
