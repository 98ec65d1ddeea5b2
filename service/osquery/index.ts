export { OsqueryServiceImpl, AGENT_SERVICE_OPTIONS, DEFAULT_AGENT_SERVICE_OPTIONS } from './osquery.service';
export type { AgentLogWriters, AgentServiceOptions } from './osquery.service';
export { AGENT_SEAMS } from './seams';
export type { PackSource, LiveQuerySource, LiveQueryResult } from './seams';
export { DETAIL_QUERIES } from './detail-queries';
export { DatastorePackSource, PackIndex, PACK_SOURCE_OPTIONS, DEFAULT_PACK_SOURCE_OPTIONS } from './pack-source';
export type { PackSourceOptions, OsqueryPacks } from './pack-source';
