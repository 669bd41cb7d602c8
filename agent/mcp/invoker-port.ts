// What MCP (and the A2A gateway) need of the tool pipeline (agent/tools/invoke.ts):
// the tools with their JSON schemas, and one call through validation,
// approval, timeout, output cap and audit. The list may come once the
// pipeline is built (the twin builds it at the first call that needs it).
import type { InvocationEvent, ToolDescriptor, ToolInvoker } from '../tools/invoke.js';

export interface ToolCallPort {
  list(): ToolDescriptor[] | Promise<ToolDescriptor[]>;
  readonly invoke: ToolInvoker['invoke'];
}
export type CallEvent = InvocationEvent;
