import {
  CAMPAIGN_COMPLETED,
  CAMPAIGN_RUNNING,
  CAMPAIGN_WAITING,
  NotFoundError,
  type Campaign,
  type CampaignExecution,
  type CampaignStatus,
  type CampaignStore,
  type TargetSelection,
} from '../../internal/fleet';
import { copy, type InmemTables } from './tables';

/**
 * Campaigns in memory. Executions name a host and a campaign; the Postgres foreign keys
 * cascade them away when either is deleted, so here they are filtered by existence on read.
 */
export class InmemCampaignStore implements CampaignStore {
  constructor(private readonly t: InmemTables) {}

  async newCampaign(campaign: Pick<Campaign, 'query_id' | 'user_id' | 'status'>, targets: TargetSelection): Promise<Campaign> {
    const now = new Date();
    const row: Campaign = {
      id: this.t.campaignIds.nextId(),
      created_at: now,
      updated_at: now,
      query_id: campaign.query_id,
      status: campaign.status,
      user_id: campaign.user_id,
    };
    this.t.campaigns.set(row.id, row);
    this.t.campaignTargets.set(row.id, {
      host_ids: [...new Set(targets.host_ids)],
      label_ids: [...new Set(targets.label_ids)],
    });
    return copy(row);
  }

  async campaign(id: number): Promise<Campaign> {
    const row = this.t.campaigns.get(id);
    if (!row) throw new NotFoundError('Campaign', id);
    return copy(row);
  }

  async campaignTargets(id: number): Promise<TargetSelection> {
    const targets = this.t.campaignTargets.get(id);
    if (!targets) throw new NotFoundError('Campaign', id);
    return {
      host_ids: [...targets.host_ids].sort((a, b) => a - b),
      label_ids: [...targets.label_ids].sort((a, b) => a - b),
    };
  }

  async setCampaignStatus(id: number, status: CampaignStatus): Promise<void> {
    const row = this.t.campaigns.get(id);
    if (!row) throw new NotFoundError('Campaign', id);
    if (status > row.status) {
      row.status = status;
      row.updated_at = new Date();
    }
  }

  async completeStaleCampaigns(waitingBefore: Date, runningBefore: Date): Promise<number[]> {
    const ids: number[] = [];
    const now = new Date();
    for (const row of this.t.campaigns.values()) {
      const stale =
        (row.status === CAMPAIGN_WAITING && row.created_at < waitingBefore) ||
        (row.status === CAMPAIGN_RUNNING && row.created_at < runningBefore);
      if (!stale) continue;
      row.status = CAMPAIGN_COMPLETED;
      row.updated_at = now;
      ids.push(row.id);
    }
    return ids.sort((a, b) => a - b);
  }

  async recordCampaignExecutions(executions: CampaignExecution[]): Promise<void> {
    for (const e of executions) {
      if (!this.t.campaigns.has(e.campaign_id) || !this.t.hosts.has(e.host_id)) continue;
      this.t.campaignExecutions.push({ ...e });
    }
  }

  async campaignExecutions(campaignId: number): Promise<CampaignExecution[]> {
    if (!this.t.campaigns.has(campaignId)) return [];
    return this.t.campaignExecutions
      .filter((e) => e.campaign_id === campaignId && this.t.hosts.has(e.host_id))
      .sort((a, b) => a.host_id - b.host_id)
      .map((e) => ({ ...e }));
  }

  async targetIdsByNames(hostnames: string[], labelNames: string[]): Promise<TargetSelection> {
    const hosts = new Set(hostnames.map((n) => n.toLowerCase()));
    const labels = new Set(labelNames.map((n) => n.toLowerCase()));
    const host_ids = [...this.t.hosts.values()].filter((h) => hosts.has(h.hostname.toLowerCase())).map((h) => h.id);
    const label_ids = [...this.t.labels.values()].filter((l) => labels.has(l.name.toLowerCase())).map((l) => l.id);
    return { host_ids: host_ids.sort((a, b) => a - b), label_ids: label_ids.sort((a, b) => a - b) };
  }
}
