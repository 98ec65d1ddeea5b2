import type {
  AppConfig,
  CarveMetadata,
  Campaign,
  CampaignExecution,
  TargetSelection,
  EnrollSecret,
  Host,
  Invite,
  Label,
  OptionsSpec,
  Pack,
  PasswordResetRequest,
  PendingEmailChange,
  Query,
  ScheduledQuery,
  Session,
  User,
} from '../../internal/fleet';
import { FIRST_LABEL_ID } from '../../internal/fleet';

/** Auto-increment id source, like a database sequence. */
export class Sequence {
  constructor(private next = 1) {}
  nextId(): number {
    return this.next++;
  }
}

export interface Membership {
  created_at: Date;
  updated_at: Date;
}

export type StoredQuery = Omit<Query, 'author_name'>;
export type StoredScheduledQuery = Omit<ScheduledQuery, 'query_name' | 'query'>;
export interface StoredPackTargets {
  hosts: Set<number>;
  labels: Set<number>;
}

/** All in-memory state, shared by the per-resource stores (some cross resources). */
export class InmemTables {
  readonly users = new Map<number, User>();
  readonly userIds = new Sequence();
  readonly sessions = new Map<number, Session>();
  readonly sessionIds = new Sequence();
  readonly invites = new Map<number, Invite>();
  readonly inviteIds = new Sequence();
  readonly passwordResets = new Map<number, PasswordResetRequest>();
  readonly passwordResetIds = new Sequence();
  /** Keyed by user id: a user has at most one pending change. */
  readonly emailChanges = new Map<number, PendingEmailChange>();
  readonly emailChangeIds = new Sequence();
  readonly enrollSecrets = new Map<string, EnrollSecret>();
  readonly labels = new Map<number, Label>();
  readonly labelIds = new Sequence(FIRST_LABEL_ID);
  readonly hosts = new Map<number, Host>();
  readonly hostIds = new Sequence();
  /** host id → label id → membership row. */
  readonly memberships = new Map<number, Map<number, Membership>>();
  /** Stored without the derived author_name. */
  readonly queries = new Map<number, StoredQuery>();
  readonly queryIds = new Sequence();
  readonly packs = new Map<number, Pack>();
  readonly packIds = new Sequence();
  /** pack id → its explicit targets (ids as given: no foreign key, as in Fleet). */
  readonly packTargets = new Map<number, StoredPackTargets>();
  /** Stored by query id; query_name and query are read through the query. */
  readonly scheduledQueries = new Map<number, StoredScheduledQuery>();
  readonly scheduledQueryIds = new Sequence();
  readonly carves = new Map<number, CarveMetadata>();
  readonly carveIds = new Sequence();
  /** carve id → block id → bytes. */
  readonly carveBlocks = new Map<number, Map<number, Buffer>>();
  appConfig: AppConfig | null = null;
  osqueryOptions: OptionsSpec | null = null;
  /** Live-query campaigns, their targets (as given) and executions (see campaigns.store.ts). */
  readonly campaigns = new Map<number, Campaign>();
  readonly campaignIds = new Sequence();
  readonly campaignTargets = new Map<number, TargetSelection>();
  readonly campaignExecutions: CampaignExecution[] = [];
}

/**
 * Deep copy of plain data (objects, arrays, Dates), so callers never share objects with
 * the stored state. Not structuredClone: it builds Dates of the host realm, which fail
 * `instanceof Date` inside Jest's VM.
 */
export function copy<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(copyValue);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = copyValue(v);
    return out;
  }
  return value;
}

/** Case-insensitive equality, matching Postgres' unique `lower(...)` indexes. */
export function sameFolded(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
