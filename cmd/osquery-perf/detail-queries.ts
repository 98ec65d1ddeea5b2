// Canned answers for Fleet's six detail queries (spec §4), consistent with the identity.
import { osqueryFlagsRows, osqueryInfoRow, systemInfoRow, uptimeRow, type AgentRuntime } from './host-details';
import type { AgentIdentity } from './identity';
import type { Row } from './templates';

export const DETAIL_NAMES = ['network_interface', 'os_version', 'osquery_flags', 'osquery_info', 'system_info', 'uptime'] as const;

/** Rows for a detail query by its bare name, or undefined if it is not one of the six. */
export function detailRows(name: string, id: AgentIdentity, rt: AgentRuntime): Row[] | undefined {
  switch (name) {
    case 'network_interface':
      return id.template.networkRows(id);
    case 'os_version':
      return [{ ...id.template.osVersionRow }];
    case 'osquery_flags':
      return osqueryFlagsRows(rt);
    case 'osquery_info':
      return [osqueryInfoRow(id, rt)];
    case 'system_info':
      return [systemInfoRow(id)];
    case 'uptime':
      return [uptimeRow(rt)];
    default:
      return undefined;
  }
}
