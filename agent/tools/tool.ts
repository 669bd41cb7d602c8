// What a tool is, and nothing more: a name, a description for the model, one
// zod input schema (the model's JSON schema, the MCP schema and the runtime
// validation all come from it), whether a call needs a person's approval, and
// run(). Each tool lives in its own file under agent/tools/; only the
// invocation pipeline (invoke.ts) runs them.
import type { z } from 'zod';
import type { Logger } from '../log.js';

/** Who asked for a call: a conversation's model, an MCP client, an A2A peer, or an operator. */
export type ToolCaller =
  | { readonly kind: 'twin'; readonly conversationId: string }
  | { readonly kind: 'mcp'; readonly client: string }
  | { readonly kind: 'a2a'; readonly peer: string; readonly taskId: string }
  | { readonly kind: 'operator'; readonly who: string };

export interface ToolContext {
  /** Aborted on the tool's timeout, a barge-in or the caller going away; tools must stop on it. */
  readonly signal: AbortSignal;
  readonly caller: ToolCaller;
  readonly log: Logger;
  /** Streams a line of progress to whoever waits (the conversation, an MCP progress notification). */
  progress(message: string): void;
}

export interface ToolResult {
  /** What the model (or client) reads. The pipeline caps it and marks it as untrusted data. */
  readonly text: string;
  /** Structured result for APIs and the page; never shown to the model as instructions. */
  readonly data?: unknown;
  /** True when the tool ran but the action failed (a non-zero exit, a refused URL): the model may retry. */
  readonly isError?: boolean;
}

export interface Tool<Input extends z.ZodTypeAny = z.ZodTypeAny, Deps = unknown> {
  /** Lowercase dotted or underscored name as the model sees it: `ssh.run_command`, `route_to_expert`. */
  readonly name: string;
  readonly description: string;
  readonly input: Input;
  /**
   * Whether a call needs approval first. A function decides per call (a browser `goto` to a host this
   * conversation has not visited yet is sensitive; a later one is not).
   */
  readonly sensitive: boolean | ((input: z.infer<Input>, deps: Deps, caller: ToolCaller) => boolean);
  /** Longest a call may run (ms); the pipeline aborts the context's signal then. */
  readonly timeoutMs: number;
  /** Largest text result (characters) passed back; the rest is cut with a note saying how much. */
  readonly outputLimit: number;
  /**
   * Optional text shown in the approval request beside the arguments (for a playbook, its
   * `--check --diff` preview). Runs before approval, so it must change nothing.
   */
  preview?(input: z.infer<Input>, deps: Deps, ctx: ToolContext): Promise<string>;
  run(input: z.infer<Input>, deps: Deps, ctx: ToolContext): Promise<ToolResult>;
}

/** A tool with its dependencies bound: what registries, the twin, MCP and A2A hold. */
export interface BoundTool {
  readonly tool: Tool;
  readonly deps: unknown;
}

export function bindTool<Input extends z.ZodTypeAny, Deps>(tool: Tool<Input, Deps>, deps: Deps): BoundTool {
  return { tool: tool as unknown as Tool, deps };
}
