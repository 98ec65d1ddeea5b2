import type {
  AppConfig,
  AppConfigStore,
  CarveListOptions,
  CarveMetadata,
  CarveStore,
  NewCarve,
  Campaign,
  CampaignExecution,
  CampaignStatus,
  CampaignStore,
  Datastore,
  EmailChangeStore,
  EnrollSecret,
  EnrollSecretInput,
  EnrollSecretStore,
  EnrollInput,
  EnrollResult,
  Host,
  HostListOptions,
  HostStatusSummary,
  HostStore,
  HostUpdate,
  Invite,
  InviteStore,
  Label,
  LabelSpecInput,
  LabelStore,
  ListOptions,
  MigrationStatus,
  NewInvite,
  NewLabel,
  NewUser,
  OptionsSpec,
  OsqueryOptionsStore,
  NewPack,
  NewQuery,
  Pack,
  PackSpecInput,
  PackStats,
  PackStore,
  PackTargets,
  PackWithQueries,
  PasswordResetRequest,
  PasswordResetStore,
  Query,
  QuerySpecInput,
  QueryStore,
  ScheduledQuery,
  ScheduledQueryOptions,
  Session,
  SessionStore,
  TargetCounts,
  TargetSelection,
  TargetStore,
  User,
  UserStore,
} from '../internal/fleet';

/** One implementation per resource port; an adapter is these plus its lifecycle. */
export interface DatastoreParts {
  users: UserStore;
  sessions: SessionStore;
  invites: InviteStore;
  passwordResets: PasswordResetStore;
  emailChanges: EmailChangeStore;
  appConfig: AppConfigStore;
  enrollSecrets: EnrollSecretStore;
  osqueryOptions: OsqueryOptionsStore;
  labels: LabelStore;
  hosts: HostStore;
  queries: QueryStore;
  packs: PackStore;
  targets: TargetStore;
  campaigns: CampaignStore;
  carves: CarveStore;
}

/**
 * Presents per-resource stores as the one `Datastore` union, so each adapter keeps one
 * small file per resource and only implements the lifecycle here.
 */
export abstract class ComposedDatastore implements Datastore {
  abstract readonly kind: string;
  abstract prepare(): Promise<void>;
  abstract migrationStatus(): Promise<MigrationStatus>;
  abstract healthCheck(): Promise<void>;
  abstract close(): Promise<void>;

  protected constructor(private readonly parts: DatastoreParts) {}

  // Users
  newUser(user: NewUser): Promise<User> {
    return this.parts.users.newUser(user);
  }
  user(id: number): Promise<User> {
    return this.parts.users.user(id);
  }
  userByEmail(email: string): Promise<User | null> {
    return this.parts.users.userByEmail(email);
  }
  userByUsername(username: string): Promise<User | null> {
    return this.parts.users.userByUsername(username);
  }
  listUsers(opts: ListOptions): Promise<User[]> {
    return this.parts.users.listUsers(opts);
  }
  countUsers(): Promise<number> {
    return this.parts.users.countUsers();
  }
  saveUser(user: User): Promise<User> {
    return this.parts.users.saveUser(user);
  }

  // Sessions
  newSession(userId: number, keyHash: string): Promise<Session> {
    return this.parts.sessions.newSession(userId, keyHash);
  }
  sessionByKeyHash(keyHash: string): Promise<Session | null> {
    return this.parts.sessions.sessionByKeyHash(keyHash);
  }
  session(id: number): Promise<Session> {
    return this.parts.sessions.session(id);
  }
  listSessionsForUser(userId: number): Promise<Session[]> {
    return this.parts.sessions.listSessionsForUser(userId);
  }
  markSessionAccessed(id: number, at: Date): Promise<void> {
    return this.parts.sessions.markSessionAccessed(id, at);
  }
  destroySession(id: number): Promise<void> {
    return this.parts.sessions.destroySession(id);
  }
  destroyAllSessionsForUser(userId: number): Promise<void> {
    return this.parts.sessions.destroyAllSessionsForUser(userId);
  }

  // Invites
  newInvite(invite: NewInvite): Promise<Invite> {
    return this.parts.invites.newInvite(invite);
  }
  listInvites(opts: ListOptions): Promise<Invite[]> {
    return this.parts.invites.listInvites(opts);
  }
  invite(id: number): Promise<Invite> {
    return this.parts.invites.invite(id);
  }
  inviteByTokenHash(tokenHash: string): Promise<Invite | null> {
    return this.parts.invites.inviteByTokenHash(tokenHash);
  }
  inviteByEmail(email: string): Promise<Invite | null> {
    return this.parts.invites.inviteByEmail(email);
  }
  deleteInvite(id: number): Promise<void> {
    return this.parts.invites.deleteInvite(id);
  }

  // Password resets
  newPasswordResetRequest(userId: number, tokenHash: string, expiresAt: Date): Promise<PasswordResetRequest> {
    return this.parts.passwordResets.newPasswordResetRequest(userId, tokenHash, expiresAt);
  }
  passwordResetByTokenHash(tokenHash: string): Promise<PasswordResetRequest | null> {
    return this.parts.passwordResets.passwordResetByTokenHash(tokenHash);
  }
  deletePasswordResetsForUser(userId: number): Promise<void> {
    return this.parts.passwordResets.deletePasswordResetsForUser(userId);
  }

  // Email changes
  newPendingEmailChange(userId: number, newEmail: string, tokenHash: string): Promise<void> {
    return this.parts.emailChanges.newPendingEmailChange(userId, newEmail, tokenHash);
  }
  confirmPendingEmailChange(userId: number, tokenHash: string): Promise<string> {
    return this.parts.emailChanges.confirmPendingEmailChange(userId, tokenHash);
  }

  // App config
  appConfig(): Promise<AppConfig> {
    return this.parts.appConfig.appConfig();
  }
  saveAppConfig(config: AppConfig): Promise<void> {
    return this.parts.appConfig.saveAppConfig(config);
  }

  // Enroll secrets
  enrollSecrets(): Promise<EnrollSecret[]> {
    return this.parts.enrollSecrets.enrollSecrets();
  }
  applyEnrollSecrets(secrets: EnrollSecretInput[]): Promise<void> {
    return this.parts.enrollSecrets.applyEnrollSecrets(secrets);
  }
  activeEnrollSecretName(secret: string): Promise<string | null> {
    return this.parts.enrollSecrets.activeEnrollSecretName(secret);
  }

  // Osquery options
  osqueryOptions(): Promise<OptionsSpec> {
    return this.parts.osqueryOptions.osqueryOptions();
  }
  applyOsqueryOptions(spec: OptionsSpec): Promise<void> {
    return this.parts.osqueryOptions.applyOsqueryOptions(spec);
  }

  // Labels
  ensureBuiltinLabels(): Promise<void> {
    return this.parts.labels.ensureBuiltinLabels();
  }
  listLabels(opts?: ListOptions): Promise<Label[]> {
    return this.parts.labels.listLabels(opts);
  }
  labelHostCounts(): Promise<Map<number, number>> {
    return this.parts.labels.labelHostCounts();
  }
  newLabel(label: NewLabel): Promise<Label> {
    return this.parts.labels.newLabel(label);
  }
  label(id: number): Promise<Label> {
    return this.parts.labels.label(id);
  }
  labelByName(name: string): Promise<Label | null> {
    return this.parts.labels.labelByName(name);
  }
  saveLabel(label: Label): Promise<Label> {
    return this.parts.labels.saveLabel(label);
  }
  deleteLabel(id: number): Promise<void> {
    return this.parts.labels.deleteLabel(id);
  }
  applyLabelSpecs(specs: LabelSpecInput[]): Promise<void> {
    return this.parts.labels.applyLabelSpecs(specs);
  }
  labelsForHost(hostId: number): Promise<Label[]> {
    return this.parts.labels.labelsForHost(hostId);
  }
  labelMemberHostnames(labelId: number): Promise<string[]> {
    return this.parts.labels.labelMemberHostnames(labelId);
  }

  // Hosts
  enrollHost(input: EnrollInput): Promise<EnrollResult> {
    return this.parts.hosts.enrollHost(input);
  }
  hostByNodeKeyHash(nodeKeyHash: string): Promise<Host | null> {
    return this.parts.hosts.hostByNodeKeyHash(nodeKeyHash);
  }
  host(id: number): Promise<Host> {
    return this.parts.hosts.host(id);
  }
  hostByIdentifier(identifier: string): Promise<Host | null> {
    return this.parts.hosts.hostByIdentifier(identifier);
  }
  listHosts(opts: HostListOptions): Promise<Host[]> {
    return this.parts.hosts.listHosts(opts);
  }
  hostStatusSummary(now: Date): Promise<HostStatusSummary> {
    return this.parts.hosts.hostStatusSummary(now);
  }
  deleteHost(id: number): Promise<Host> {
    return this.parts.hosts.deleteHost(id);
  }
  updateHost(id: number, update: HostUpdate): Promise<void> {
    return this.parts.hosts.updateHost(id, update);
  }
  markHostsSeen(ids: number[], at: Date): Promise<void> {
    return this.parts.hosts.markHostsSeen(ids, at);
  }
  deleteHostsSeenBefore(cutoff: Date): Promise<string[]> {
    return this.parts.hosts.deleteHostsSeenBefore(cutoff);
  }
  deleteIncomingHosts(createdBefore: Date): Promise<string[]> {
    return this.parts.hosts.deleteIncomingHosts(createdBefore);
  }

  // Queries
  newQuery(query: NewQuery): Promise<Query> {
    return this.parts.queries.newQuery(query);
  }
  query(id: number): Promise<Query> {
    return this.parts.queries.query(id);
  }
  queryByName(name: string): Promise<Query | null> {
    return this.parts.queries.queryByName(name);
  }
  listQueries(opts: ListOptions): Promise<Query[]> {
    return this.parts.queries.listQueries(opts);
  }
  saveQuery(query: Query): Promise<Query> {
    return this.parts.queries.saveQuery(query);
  }
  deleteQuery(id: number): Promise<void> {
    return this.parts.queries.deleteQuery(id);
  }
  deleteQueries(ids: number[]): Promise<number> {
    return this.parts.queries.deleteQueries(ids);
  }
  applyQuerySpecs(specs: QuerySpecInput[], authorId: number | null): Promise<void> {
    return this.parts.queries.applyQuerySpecs(specs, authorId);
  }

  // Packs and scheduled queries
  newPack(pack: NewPack, targets: PackTargets): Promise<Pack> {
    return this.parts.packs.newPack(pack, targets);
  }
  pack(id: number): Promise<Pack> {
    return this.parts.packs.pack(id);
  }
  packByName(name: string): Promise<Pack | null> {
    return this.parts.packs.packByName(name);
  }
  listPacks(opts: ListOptions): Promise<Pack[]> {
    return this.parts.packs.listPacks(opts);
  }
  savePack(pack: Pack, targets?: PackTargets): Promise<Pack> {
    return this.parts.packs.savePack(pack, targets);
  }
  deletePack(id: number): Promise<void> {
    return this.parts.packs.deletePack(id);
  }
  packTargets(packIds: number[]): Promise<Map<number, PackTargets>> {
    return this.parts.packs.packTargets(packIds);
  }
  packStats(packIds: number[]): Promise<Map<number, PackStats>> {
    return this.parts.packs.packStats(packIds);
  }
  packQueryCounts(packIds: number[]): Promise<Map<number, number>> {
    return this.parts.packs.packQueryCounts(packIds);
  }
  applyPackSpecs(specs: PackSpecInput[]): Promise<void> {
    return this.parts.packs.applyPackSpecs(specs);
  }
  packSpecs(): Promise<Array<PackSpecInput & { id: number }>> {
    return this.parts.packs.packSpecs();
  }
  newScheduledQuery(packId: number, queryId: number, options: ScheduledQueryOptions): Promise<ScheduledQuery> {
    return this.parts.packs.newScheduledQuery(packId, queryId, options);
  }
  scheduledQuery(id: number): Promise<ScheduledQuery> {
    return this.parts.packs.scheduledQuery(id);
  }
  saveScheduledQuery(sq: ScheduledQuery): Promise<ScheduledQuery> {
    return this.parts.packs.saveScheduledQuery(sq);
  }
  deleteScheduledQuery(id: number): Promise<void> {
    return this.parts.packs.deleteScheduledQuery(id);
  }
  listScheduledQueriesInPack(packId: number, opts: ListOptions): Promise<ScheduledQuery[]> {
    return this.parts.packs.listScheduledQueriesInPack(packId, opts);
  }
  packsForQuery(queryId: number): Promise<Pack[]> {
    return this.parts.packs.packsForQuery(queryId);
  }
  packsForQueries(queryIds: number[]): Promise<Map<number, Pack[]>> {
    return this.parts.packs.packsForQueries(queryIds);
  }
  allPacksForAgents(): Promise<Array<PackWithQueries & { targets: PackTargets }>> {
    return this.parts.packs.allPacksForAgents();
  }

  // Targets
  searchHosts(search: { terms: string[]; raw: string }, excludeIds: number[], limit: number): Promise<Host[]> {
    return this.parts.targets.searchHosts(search, excludeIds, limit);
  }
  searchLabels(terms: string[], excludeIds: number[], limit: number): Promise<Label[]> {
    return this.parts.targets.searchLabels(terms, excludeIds, limit);
  }
  labelHostCountsFor(labelIds: number[]): Promise<Map<number, number>> {
    return this.parts.targets.labelHostCountsFor(labelIds);
  }
  countHostsInTargets(selection: TargetSelection, now: Date): Promise<TargetCounts> {
    return this.parts.targets.countHostsInTargets(selection, now);
  }
  hostIdsInTargets(selection: TargetSelection): Promise<number[]> {
    return this.parts.targets.hostIdsInTargets(selection);
  }

  // Live-query campaigns
  newCampaign(campaign: Pick<Campaign, 'query_id' | 'user_id' | 'status'>, targets: TargetSelection): Promise<Campaign> {
    return this.parts.campaigns.newCampaign(campaign, targets);
  }
  campaign(id: number): Promise<Campaign> {
    return this.parts.campaigns.campaign(id);
  }
  campaignTargets(id: number): Promise<TargetSelection> {
    return this.parts.campaigns.campaignTargets(id);
  }
  setCampaignStatus(id: number, status: CampaignStatus): Promise<void> {
    return this.parts.campaigns.setCampaignStatus(id, status);
  }
  completeStaleCampaigns(waitingBefore: Date, runningBefore: Date): Promise<number[]> {
    return this.parts.campaigns.completeStaleCampaigns(waitingBefore, runningBefore);
  }
  recordCampaignExecutions(executions: CampaignExecution[]): Promise<void> {
    return this.parts.campaigns.recordCampaignExecutions(executions);
  }
  campaignExecutions(campaignId: number): Promise<CampaignExecution[]> {
    return this.parts.campaigns.campaignExecutions(campaignId);
  }
  targetIdsByNames(hostnames: string[], labelNames: string[]): Promise<TargetSelection> {
    return this.parts.campaigns.targetIdsByNames(hostnames, labelNames);
  }

  // Carves
  newCarve(carve: NewCarve): Promise<CarveMetadata> {
    return this.parts.carves.newCarve(carve);
  }
  carve(id: number): Promise<CarveMetadata> {
    return this.parts.carves.carve(id);
  }
  carveBySessionId(sessionId: string): Promise<CarveMetadata | null> {
    return this.parts.carves.carveBySessionId(sessionId);
  }
  listCarves(opts: CarveListOptions): Promise<CarveMetadata[]> {
    return this.parts.carves.listCarves(opts);
  }
  appendCarveBlock(carveId: number, blockId: number, data: Buffer): Promise<void> {
    return this.parts.carves.appendCarveBlock(carveId, blockId, data);
  }
  expireCarves(createdBefore: Date): Promise<number> {
    return this.parts.carves.expireCarves(createdBefore);
  }
  carveBlock(carveId: number, blockId: number): Promise<Buffer> {
    return this.parts.carves.carveBlock(carveId, blockId);
  }
}
