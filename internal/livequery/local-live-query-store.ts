import { CampaignTable, checkIds } from './campaign-table';
import type { LiveQueryStore } from './live-query-store';

/** The single-process store: everything lives in this process's memory. */
export class LocalLiveQueryStore implements LiveQueryStore {
  private readonly table = new CampaignTable();

  async runQuery(campaignId: number, sql: string, hostIds: number[]): Promise<void> {
    checkIds(campaignId, hostIds);
    this.table.set(campaignId, sql, hostIds);
  }

  queriesForHost(hostId: number): ReadonlyArray<readonly [number, string]> {
    return this.table.queriesForHost(hostId);
  }

  async queryCompletedByHost(campaignId: number, hostId: number): Promise<void> {
    this.table.complete(campaignId, hostId);
  }

  async stopQuery(campaignId: number): Promise<void> {
    this.table.delete(campaignId);
  }

  activeCampaigns(): number[] {
    return this.table.ids();
  }

  async close(): Promise<void> {
    this.table.clear();
  }
}
