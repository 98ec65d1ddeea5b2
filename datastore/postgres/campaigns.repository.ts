import {
  NotFoundError,
  type Campaign,
  type CampaignExecution,
  type CampaignStatus,
  type CampaignStore,
  type TargetSelection,
} from '../../internal/fleet';
import type { ManagerSource } from './connection';
import { queryRows } from './sql';

const TARGET_LABEL = 0;
const TARGET_HOST = 1;

const SELECT_CAMPAIGN = 'id, created_at, updated_at, query_id, status, user_id';

interface CampaignRow {
  id: number;
  created_at: Date;
  updated_at: Date;
  query_id: number;
  status: number;
  user_id: number;
}

function toCampaign(r: CampaignRow): Campaign {
  return { ...r, status: Number(r.status) as CampaignStatus };
}

export class CampaignsRepository implements CampaignStore {
  constructor(private readonly em: ManagerSource) {}

  async newCampaign(campaign: Pick<Campaign, 'query_id' | 'user_id' | 'status'>, targets: TargetSelection): Promise<Campaign> {
    const hostIds = [...new Set(targets.host_ids)];
    const labelIds = [...new Set(targets.label_ids)];
    // One statement: the campaign and its target rows (atomic without a transaction).
    const [row] = await queryRows<CampaignRow>(
      await this.em(),
      `WITH c AS (
         INSERT INTO distributed_query_campaigns (query_id, status, user_id) VALUES ($1, $2, $3)
         RETURNING ${SELECT_CAMPAIGN}
       ), t AS (
         INSERT INTO distributed_query_campaign_targets (campaign_id, type, target_id)
         SELECT c.id, x.type, x.target_id FROM c,
           (SELECT ${TARGET_HOST}::smallint AS type, unnest($4::int[]) AS target_id
            UNION ALL SELECT ${TARGET_LABEL}::smallint, unnest($5::int[])) x
       )
       SELECT * FROM c`,
      [campaign.query_id, campaign.status, campaign.user_id, hostIds, labelIds],
    );
    return toCampaign(row!);
  }

  async campaign(id: number): Promise<Campaign> {
    const [row] = await queryRows<CampaignRow>(await this.em(), `SELECT ${SELECT_CAMPAIGN} FROM distributed_query_campaigns WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError('Campaign', id);
    return toCampaign(row);
  }

  async campaignTargets(id: number): Promise<TargetSelection> {
    const rows = await queryRows<{ type: number | null; target_id: number | null }>(
      await this.em(),
      `SELECT t.type, t.target_id FROM distributed_query_campaigns c
         LEFT JOIN distributed_query_campaign_targets t ON t.campaign_id = c.id
       WHERE c.id = $1 ORDER BY t.type, t.target_id`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundError('Campaign', id);
    const out: TargetSelection = { host_ids: [], label_ids: [] };
    for (const r of rows) {
      if (r.target_id === null) continue;
      (Number(r.type) === TARGET_HOST ? out.host_ids : out.label_ids).push(r.target_id);
    }
    return out;
  }

  async setCampaignStatus(id: number, status: CampaignStatus): Promise<void> {
    // Only raises: the UPDATE matches a lower status; the SELECT tells "unknown" apart.
    const rows = await queryRows<{ id: number }>(
      await this.em(),
      `WITH u AS (
         UPDATE distributed_query_campaigns SET status = $2, updated_at = now() WHERE id = $1 AND status < $2 RETURNING id
       )
       SELECT id FROM u UNION ALL SELECT id FROM distributed_query_campaigns WHERE id = $1`,
      [id, status],
    );
    if (rows.length === 0) throw new NotFoundError('Campaign', id);
  }

  async completeStaleCampaigns(waitingBefore: Date, runningBefore: Date): Promise<number[]> {
    const rows = await queryRows<{ id: number }>(
      await this.em(),
      `WITH u AS (
         UPDATE distributed_query_campaigns SET status = 2, updated_at = now()
         WHERE (status = 0 AND created_at < $1) OR (status = 1 AND created_at < $2)
         RETURNING id
       )
       SELECT id FROM u ORDER BY id`,
      [waitingBefore, runningBefore],
    );
    return rows.map((r) => r.id);
  }

  async recordCampaignExecutions(executions: CampaignExecution[]): Promise<void> {
    if (executions.length === 0) return;
    // One statement; rows whose campaign or host is gone are skipped (joins), not errors.
    await queryRows(
      await this.em(),
      `INSERT INTO distributed_query_executions (host_id, campaign_id, status, error, "rows")
       SELECT x.host_id, x.campaign_id, x.status, x.error, x.n
       FROM unnest($1::int[], $2::int[], $3::smallint[], $4::text[], $5::int[]) WITH ORDINALITY AS x(host_id, campaign_id, status, error, n, ord)
       JOIN distributed_query_campaigns c ON c.id = x.campaign_id
       JOIN hosts h ON h.id = x.host_id
       ORDER BY x.ord`,
      [
        executions.map((e) => e.host_id),
        executions.map((e) => e.campaign_id),
        executions.map((e) => e.status),
        executions.map((e) => e.error),
        executions.map((e) => e.rows),
      ],
    );
  }

  async campaignExecutions(campaignId: number): Promise<CampaignExecution[]> {
    return queryRows<CampaignExecution>(
      await this.em(),
      `SELECT host_id, campaign_id, status::int AS status, error, "rows" FROM distributed_query_executions
       WHERE campaign_id = $1 ORDER BY host_id, id`,
      [campaignId],
    );
  }

  async targetIdsByNames(hostnames: string[], labelNames: string[]): Promise<TargetSelection> {
    const out: TargetSelection = { host_ids: [], label_ids: [] };
    if (hostnames.length === 0 && labelNames.length === 0) return out;
    const rows = await queryRows<{ type: number; id: number }>(
      await this.em(),
      `SELECT ${TARGET_HOST} AS type, id FROM hosts WHERE lower(host_name) = ANY ($1::text[])
       UNION ALL
       SELECT ${TARGET_LABEL} AS type, id FROM labels WHERE lower(name) = ANY ($2::text[])
       ORDER BY type, id`,
      [hostnames.map((n) => n.toLowerCase()), labelNames.map((n) => n.toLowerCase())],
    );
    for (const r of rows) (Number(r.type) === TARGET_HOST ? out.host_ids : out.label_ids).push(r.id);
    return out;
  }
}
