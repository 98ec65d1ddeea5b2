export { createAgentHandler, DEFAULT_AGENT_BODY_LIMITS } from './agent-handler';
export type { AgentHandler, AgentHandlerDeps, AgentBodyLimits, AgentRouteName } from './agent-handler';
