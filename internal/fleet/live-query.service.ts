import type { Campaign } from './campaigns';
import type { TargetCounts, TargetSelection } from './targets';
import type { Viewer } from './viewer';

export interface CampaignWithMetrics {
  campaign: Campaign;
  metrics: TargetCounts;
}

/** A message of the result stream: `{"type": …, "data": …}` (spec §9.5). */
export interface StreamMessage {
  type: 'totals' | 'status' | 'result' | 'error';
  data: unknown;
}

export interface CampaignStreamHandle {
  /** Ends the stream: the campaign completes and its pending queries stop. Idempotent. */
  close(): Promise<void>;
}

export interface LiveQueryService {
  /** ForbiddenError/FeatureDisabled when live queries are disabled; 422 when nothing is selected or no host resolves. */
  runQuery(viewer: Viewer, sql: string, selection: TargetSelection): Promise<CampaignWithMetrics>;
  runQueryByNames(viewer: Viewer, sql: string, names: { hosts: string[]; labels: string[] }): Promise<CampaignWithMetrics>;
  /**
   * Starts streaming a campaign to one client: only its author or an admin may (PermissionError);
   * NotFoundError for an unknown campaign. `send` receives totals/status/result messages until
   * the handle is closed (or `onEnd` is called when the service ends the stream itself).
   */
  streamCampaign(
    viewer: Viewer,
    campaignId: number,
    send: (message: StreamMessage) => void,
    onEnd: (reason: string) => void,
  ): Promise<CampaignStreamHandle>;
}

/** The live-query health routes (`GET /status/result_store`, `GET /status/live_query`). */
export interface LiveQueryStatusService {
  /** ServiceUnavailableError when the result store (Redis) is unreachable. */
  resultStoreStatus(): Promise<void>;
  /** FeatureDisabledError when live queries are disabled; else the result store check. */
  liveQueryStatus(): Promise<void>;
}
