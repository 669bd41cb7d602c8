// Every tool hearth offers, bound to its dependencies. The twin, MCP and A2A
// all build their invoker from this one list. To add a tool: put it in its own
// file in this folder, add its deps below and push it in `boundTools`.
import type { BoundTool } from './tool.js';
import { bindTool } from './tool.js';
import { routeToExpert, type RouteToExpertDeps } from './route-to-expert.js';
import { powerSetIdleThreshold, type PowerControlPort } from './power-set-idle-threshold.js';
import { mcpClearShortTermMemory, mcpGetMemorySummary, mcpGetStatus, type TwinStatePort } from './mcp-status.js';
import { summarizerGetSummary, type TranscriptPort } from './summarizer.js';

/** What the tools need; a family whose deps are absent is not offered. */
export interface ToolRegistryDeps {
  readonly routing?: RouteToExpertDeps;
  readonly power?: PowerControlPort;
  readonly twinState?: TwinStatePort;
  readonly transcripts?: TranscriptPort;
}

export function boundTools(deps: ToolRegistryDeps): BoundTool[] {
  const tools: BoundTool[] = [];
  if (deps.routing !== undefined) tools.push(bindTool(routeToExpert, deps.routing));
  if (deps.power !== undefined) tools.push(bindTool(powerSetIdleThreshold, deps.power));
  if (deps.twinState !== undefined) {
    tools.push(bindTool(mcpGetStatus, deps.twinState), bindTool(mcpGetMemorySummary, deps.twinState), bindTool(mcpClearShortTermMemory, deps.twinState));
  }
  if (deps.transcripts !== undefined) tools.push(bindTool(summarizerGetSummary, deps.transcripts));
  return tools;
}
