// What MCP (and the A2A gateway) need of the tool pipeline (agent/tools/invoke.ts):
// the tools with their JSON schemas, and one call through validation,
// approval, timeout, output cap and audit.
import type { InvocationEvent, ToolInvoker } from '../tools/invoke.js';

export type ToolCallPort = Pick<ToolInvoker, 'list' | 'invoke'>;
export type CallEvent = InvocationEvent;
