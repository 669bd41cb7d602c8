// mcp.get_status, mcp.get_memory_summary, mcp.clear_short_term_memory: the
// twin's own state as tools, for its model and for MCP clients.
import { z } from 'zod';
import type { Tool } from './tool.js';

export interface TwinStatePort {
  /** Experts, conversations and memory in one document. */
  status(): unknown;
  memorySummary(): unknown;
  /** Clears the short-term memory of one conversation, or of all; resolves how many turns went. */
  clearShortTerm(conversationId: string | undefined): Promise<number>;
}

const none = z.object({}).strict();

export const mcpGetStatus: Tool<typeof none, TwinStatePort> = {
  name: 'mcp.get_status',
  description: 'The twin\'s status: the experts it can route to, open conversations, memory counts.',
  input: none,
  sensitive: false,
  timeoutMs: 2000,
  outputLimit: 8000,
  async run(_args, port) {
    const status = port.status();
    return { text: JSON.stringify(status, null, 1), data: status };
  },
};

export const mcpGetMemorySummary: Tool<typeof none, TwinStatePort> = {
  name: 'mcp.get_memory_summary',
  description: 'How much the twin remembers: short-term turns per conversation and the number of long-term facts.',
  input: none,
  sensitive: false,
  timeoutMs: 2000,
  outputLimit: 8000,
  async run(_args, port) {
    const summary = port.memorySummary();
    return { text: JSON.stringify(summary, null, 1), data: summary };
  },
};

const clearInput = z
  .object({ conversation: z.string().min(1).max(100).optional().describe('Conversation id; all conversations when left out.') })
  .strict();

export const mcpClearShortTermMemory: Tool<typeof clearInput, TwinStatePort> = {
  name: 'mcp.clear_short_term_memory',
  description: 'Forget the recent turns of one conversation (or of all). Long-term facts stay. Needs a person\'s approval.',
  input: clearInput,
  sensitive: true,
  timeoutMs: 5000,
  outputLimit: 2000,
  async run(args, port) {
    const removed = await port.clearShortTerm(args.conversation);
    return { text: `Cleared ${removed} turn(s) of short-term memory${args.conversation === undefined ? ' in every conversation' : ` in ${args.conversation}`}.`, data: { removed } };
  },
};
