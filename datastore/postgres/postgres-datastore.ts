import { DataSource } from 'typeorm';
import { ServiceUnavailableError, type MigrationStatus } from '../../internal/fleet';
import { ComposedDatastore } from '../composed-datastore';
import { AppConfigRepository } from './app-config.repository';
import { CarvesRepository, type CarveBlockStorage } from './carves.repository';
import { CampaignsRepository } from './campaigns.repository';
import { LazyDataSource } from './connection';
import type { DatastoreHooks } from './counting-logger';
import { dataSourceOptions } from './data-source-options';
import { EmailChangesRepository } from './email-changes.repository';
import { EnrollSecretsRepository } from './enroll-secrets.repository';
import { HostsRepository } from './hosts.repository';
import { InvitesRepository } from './invites.repository';
import { LabelsRepository } from './labels.repository';
import { migrationStatus } from './migration-status';
import { OsqueryOptionsRepository } from './osquery-options.repository';
import { PacksRepository } from './packs.repository';
import { PasswordResetsRepository } from './password-resets.repository';
import { withoutParameters } from './pg-errors';
import { QueriesRepository } from './queries.repository';
import { SessionsRepository } from './sessions.repository';
import { TargetsRepository } from './targets.repository';
import { UsersRepository } from './users.repository';

export interface PostgresDatastoreOptions extends DatastoreHooks {
  url: string;
  poolSize?: number;
  /** Reported as `kind` (the embedded store reuses this adapter). */
  kind?: string;
  /** Where carve block bytes live (default: the carve_blocks table). */
  carveBlocks?: CarveBlockStorage;
}

/** The TypeORM adapter: one repository per resource over one lazily opened DataSource. */
export class PostgresDatastore extends ComposedDatastore {
  readonly kind: string;
  private readonly db: LazyDataSource;

  /**
   * @param db how to open the DataSource; adapters that start their own server pass one
   *   (the embedded store), and then pass `opts.onQuery` to it themselves. By default it
   *   connects to `opts.url`.
   */
  constructor(opts: PostgresDatastoreOptions, db?: LazyDataSource) {
    const lazy =
      db ??
      new LazyDataSource(async () => ({
        dataSource: await new DataSource(dataSourceOptions(opts.url, opts.poolSize, { onQuery: opts.onQuery })).initialize(),
      }));
    const em = lazy.manager;
    super({
      users: new UsersRepository(em),
      sessions: new SessionsRepository(em),
      invites: new InvitesRepository(em),
      passwordResets: new PasswordResetsRepository(em),
      emailChanges: new EmailChangesRepository(em),
      appConfig: new AppConfigRepository(em),
      enrollSecrets: new EnrollSecretsRepository(em),
      osqueryOptions: new OsqueryOptionsRepository(em),
      labels: new LabelsRepository(em),
      hosts: new HostsRepository(em),
      queries: new QueriesRepository(em),
      packs: new PacksRepository(em),
      targets: new TargetsRepository(em),
      carves: new CarvesRepository(em, opts.carveBlocks),
      campaigns: new CampaignsRepository(em),
    });
    this.db = lazy;
    this.kind = opts.kind ?? 'postgres';
  }

  /** Runs pending migrations, then seeds the builtin labels. Settings need no seed. */
  async prepare(): Promise<void> {
    const ds = await this.db.get();
    await ds.runMigrations({ transaction: 'each' });
    await this.ensureBuiltinLabels();
  }

  async migrationStatus(): Promise<MigrationStatus> {
    return migrationStatus(await this.db.get());
  }

  async healthCheck(): Promise<void> {
    try {
      await (await this.db.get()).query('SELECT 1');
    } catch (err) {
      throw new ServiceUnavailableError(`${this.kind} datastore: ${(withoutParameters(err) as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
