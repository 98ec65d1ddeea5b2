import type { TargetSelection } from './targets';

export const CAMPAIGN_WAITING = 0;
export const CAMPAIGN_RUNNING = 1;
export const CAMPAIGN_COMPLETED = 2;
export type CampaignStatus = typeof CAMPAIGN_WAITING | typeof CAMPAIGN_RUNNING | typeof CAMPAIGN_COMPLETED;

/** A live-query campaign. Field names are Fleet's JSON names. */
export interface Campaign {
  id: number;
  created_at: Date;
  updated_at: Date;
  query_id: number;
  status: CampaignStatus;
  user_id: number;
}

/** One host's answer to a campaign, kept for the record. */
export interface CampaignExecution {
  host_id: number;
  campaign_id: number;
  /** 0 success, 1 failed (osquery reported an error). */
  status: number;
  error: string | null;
  rows: number;
}

export interface CampaignStore {
  /** Creates the campaign and its target rows (as given) in one transaction. */
  newCampaign(campaign: Pick<Campaign, 'query_id' | 'user_id' | 'status'>, targets: TargetSelection): Promise<Campaign>;
  /** Throws NotFoundError('Campaign', id). */
  campaign(id: number): Promise<Campaign>;
  campaignTargets(id: number): Promise<TargetSelection>;
  /** Only raises the status (waiting → running → completed); never lowers it. */
  setCampaignStatus(id: number, status: CampaignStatus): Promise<void>;
  /** Completes campaigns waiting since before `waitingBefore` or running since before `runningBefore`; returns their ids. */
  completeStaleCampaigns(waitingBefore: Date, runningBefore: Date): Promise<number[]>;
  /**
   * Records executions in one statement. Rows naming a campaign or host that no longer
   * exists are skipped (their foreign keys would cascade them away anyway).
   */
  recordCampaignExecutions(executions: CampaignExecution[]): Promise<void>;
  /**
   * Ids of the hosts whose hostname and the labels whose name is one of the given names
   * (case-insensitive, as Fleet's collation); unknown names are dropped. Ids ascending.
   */
  targetIdsByNames(hostnames: string[], labelNames: string[]): Promise<TargetSelection>;
  /** The recorded executions of a campaign, by host id (diagnostics, tests). */
  campaignExecutions(campaignId: number): Promise<CampaignExecution[]>;
}
