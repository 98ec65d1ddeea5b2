import type { HostWithStatus } from './hosts.service';
import type { LabelWithCount } from './labels.service';
import type { TargetCounts, TargetSelection } from './targets';

export interface TargetSearchResult {
  hosts: HostWithStatus[];
  labels: LabelWithCount[];
  counts: TargetCounts;
}

export interface TargetService {
  searchTargets(query: string, selected: TargetSelection): Promise<TargetSearchResult>;
}
