export { OsqueryServiceImpl, AGENT_SERVICE_OPTIONS, DEFAULT_AGENT_SERVICE_OPTIONS } from './osquery.service';
export type { AgentLogWriters, AgentServiceOptions } from './osquery.service';
export { AGENT_SEAMS } from './seams';
export type { PackSource, LiveQuerySource, LiveQueryResult } from './seams';
export { DETAIL_QUERIES } from './detail-queries';
