import type { MigrationStatus } from '../../internal/fleet';
import { ComposedDatastore } from '../composed-datastore';
import { InmemAppConfigStore } from './app-config.store';
import { InmemCarveStore } from './carves.store';
import { InmemCampaignStore } from './campaigns.store';
import { InmemEmailChangeStore } from './email-changes.store';
import { InmemEnrollSecretStore } from './enroll-secrets.store';
import { InmemHostStore } from './hosts.store';
import { InmemInviteStore } from './invites.store';
import { InmemLabelStore } from './labels.store';
import { InmemOsqueryOptionsStore } from './osquery-options.store';
import { InmemPackStore } from './packs.store';
import { InmemPasswordResetStore } from './password-resets.store';
import { InmemQueryStore } from './queries.store';
import { InmemSessionStore } from './sessions.store';
import { InmemTables } from './tables';
import { InmemTargetStore } from './targets.store';
import { InmemUserStore } from './users.store';

/** Everything in Maps; nothing persists. Same semantics as the Postgres adapter. */
export class InmemDatastore extends ComposedDatastore {
  readonly kind = 'inmem';

  constructor() {
    const tables = new InmemTables();
    const users = new InmemUserStore(tables);
    super({
      users,
      sessions: new InmemSessionStore(tables),
      invites: new InmemInviteStore(tables),
      passwordResets: new InmemPasswordResetStore(tables),
      emailChanges: new InmemEmailChangeStore(tables, users),
      appConfig: new InmemAppConfigStore(tables),
      enrollSecrets: new InmemEnrollSecretStore(tables),
      osqueryOptions: new InmemOsqueryOptionsStore(tables),
      labels: new InmemLabelStore(tables),
      hosts: new InmemHostStore(tables),
      queries: new InmemQueryStore(tables),
      packs: new InmemPackStore(tables),
      targets: new InmemTargetStore(tables),
      carves: new InmemCarveStore(tables),
      campaigns: new InmemCampaignStore(tables),
    });
  }

  async prepare(): Promise<void> {
    await this.ensureBuiltinLabels();
  }

  async migrationStatus(): Promise<MigrationStatus> {
    return { pending: [], unknown: [] };
  }

  async healthCheck(): Promise<void> {}

  async close(): Promise<void> {}
}
