// Shared helpers for the datastore contract files (contract.ts, contract-hosts.ts,
// contract-queries-packs.ts, contract-carves.ts, contract-campaigns.ts): unique tags, error
// checks, fixed instants, "only my rows" filtering and unique host enrollment.
import type { Datastore, EnrollInput, Host, HostDetails, NewUser } from '../../internal/fleet';

let counter = 0;
/** A short tag unique within the run (and across runs, for shared servers); `infix` marks the caller. */
export function uniq(infix = ''): string {
  counter += 1;
  return `${Date.now().toString(36)}${infix}${counter}${Math.random().toString(36).slice(2, 6)}`;
}

/** How many tags uniq has handed out so far. */
export function uniqCount(): number {
  return counter;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Awaits `promise`, expecting it to reject with an instance of `type` (and `message`, if given). */
export async function expectError(promise: Promise<unknown>, type: ErrorClass, message?: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  if (message !== undefined) expect((err as Error).message).toBe(message);
}

export const SECOND = 1000;
export const HOUR = 3600 * SECOND;
export const DAY = 24 * HOUR;
export const at = (iso: string) => new Date(iso);
export const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Only the listed ids (given as ids or records), in the order the list returned them. */
export function idsAmong(list: { id: number }[], mine: readonly (number | { id: number })[]): number[] {
  const ids = mine.map((m) => (typeof m === 'number' ? m : m.id));
  return list.map((r) => r.id).filter((id) => ids.includes(id));
}

/** A new-user input with a unique username and email. */
export function newUserInput(overrides: Partial<NewUser> = {}): NewUser {
  const tag = uniq();
  return {
    username: `user${tag}`,
    name: `User ${tag}`,
    email: `user${tag}@example.com`,
    admin: false,
    enabled: true,
    force_password_reset: false,
    gravatar_url: '',
    position: '',
    sso_enabled: false,
    password_hash: `hash-${tag}`,
    salt: `salt-${tag}`,
    ...overrides,
  };
}

export interface UniqueHostNames {
  /** Tag infix passed to uniq. */
  infix?: string;
  /** Builds osqueryHostId, nodeKeyHash and hostname from the unique tag. */
  id?: (tag: string) => string;
  key?: (tag: string) => string;
  hostname?: (tag: string) => string;
}

/**
 * Enrolls a new host with a unique identifier, node key and hostname (named by `names`);
 * `over` replaces any enroll input, `details` is merged over the hostname.
 */
export async function enrollUniqueHost(
  store: Datastore,
  names: UniqueHostNames = {},
  over: Partial<EnrollInput> = {},
  details: Partial<HostDetails> = {},
): Promise<Host> {
  const tag = uniq(names.infix);
  const { host } = await store.enrollHost({
    osqueryHostId: (names.id ?? ((t) => `oid-${t}`))(tag),
    nodeKeyHash: (names.key ?? ((t) => `nkh-${t}`))(tag),
    enrollSecretName: 'default',
    now: new Date(),
    details: { hostname: (names.hostname ?? ((t) => `host-${t}`))(tag), ...details },
    ...over,
  });
  return host;
}
