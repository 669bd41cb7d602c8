// What MCP and A2A need of the tool pipeline (agent/tools/invoke.ts): the
// tools with their JSON schemas, and one call through validation, approval,
// timeout, output cap and audit. Declared here as the subset they use, so
// the pipeline's ToolInvoker satisfies it as it is.
import type { ToolCaller } from '../tools/tool.js';

export interface ToolListing {
  readonly name: string;
  readonly description: string;
  readonly sensitive: boolean | 'per-call';
  readonly inputSchema: Record<string, unknown>;
}

export type CallEvent =
  | { readonly type: 'approval-requested'; readonly approvalId: string; readonly expiresAt: string; readonly args: unknown }
  | { readonly type: 'approval-decided'; readonly approvalId: string; readonly decision: 'approved' | 'edited' | 'denied' | 'expired'; readonly by?: string }
  | { readonly type: 'progress'; readonly message: string };

export interface CallResult {
  readonly tool: string;
  readonly outcome: 'ok' | 'invalid' | 'denied' | 'expired' | 'timeout' | 'aborted' | 'failed';
  readonly isError: boolean;
  readonly text: string;
  /** The text fenced as untrusted data, for a model's context. */
  readonly modelText: string;
  readonly data?: unknown;
  readonly approvalId?: string;
}

export interface ToolCallPort {
  list(): readonly ToolListing[];
  invoke(name: string, rawArgs: unknown, options: { caller: ToolCaller; signal?: AbortSignal; onEvent?: (event: CallEvent) => void }): Promise<CallResult>;
}
