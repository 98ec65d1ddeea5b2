import type { AppConfigStore } from './app-config';
import type { CarveStore } from './carves';
import type { CampaignStore } from './campaigns';
import type { EmailChangeStore } from './email-changes';
import type { EnrollSecretStore } from './enroll-secrets';
import type { HostStore } from './hosts';
import type { PackStore } from './packs';
import type { QueryStore } from './queries';
import type { TargetStore } from './targets';
import type { InviteStore } from './invites';
import type { LabelStore } from './labels';
import type { OsqueryOptionsStore } from './osquery-options';
import type { PasswordResetStore } from './password-resets';
import type { SessionStore } from './sessions';
import type { UserStore } from './users';

export interface MigrationStatus {
  /** Migrations the code knows but the database has not run. */
  pending: string[];
  /** Migrations the database ran that this code does not know (a newer server ran them). */
  unknown: string[];
}

/** Lifecycle of a store, separate from the resource ports. */
export interface DatastoreLifecycle {
  /** Which store this is, for logs and /healthz: `inmem`, `embedded` or `postgres`. */
  readonly kind: string;
  /** Runs pending migrations and seeds builtin labels and default settings. Idempotent. */
  prepare(): Promise<void>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Throws when the store cannot answer a trivial query. */
  healthCheck(): Promise<void>;
  close(): Promise<void>;
}

export interface Datastore
  extends
    DatastoreLifecycle,
    UserStore,
    SessionStore,
    InviteStore,
    PasswordResetStore,
    EmailChangeStore,
    AppConfigStore,
    EnrollSecretStore,
    OsqueryOptionsStore,
    LabelStore,
    HostStore,
    QueryStore,
    PackStore,
    TargetStore,
    CampaignStore,
    CarveStore {}
