// A minimal stand-in for the tool pipeline (agent/tools/invoke.ts) while it
// is not on this branch: zod validation, the approval gate for sensitive
// calls, run(), capped output. It has the pipeline's shape (ToolCallPort) so
// the MCP and A2A tests run against it now and against the real one later.
import { zodToJsonSchema } from 'zod-to-json-schema';
import { createSilentLogger } from '../../agent/log.js';
import type { CallResult, ToolCallPort } from '../../agent/mcp/invoker-port.js';
import type { ApprovalGate } from '../../agent/tools/approval-gate.js';
import type { BoundTool } from '../../agent/tools/tool.js';

export function createStandInInvoker(tools: readonly BoundTool[], gate: ApprovalGate): ToolCallPort {
  const byName = new Map(tools.map((b) => [b.tool.name, b]));
  const log = createSilentLogger();
  const fence = (tool: string, text: string, isError: boolean) =>
    `<tool-output tool="${tool}" status="${isError ? 'error' : 'ok'}" trust="untrusted-data">\n${text}\n</tool-output>`;
  const result = (tool: string, outcome: CallResult['outcome'], isError: boolean, text: string, extra: Partial<CallResult> = {}): CallResult =>
    ({ tool, outcome, isError, text, modelText: fence(tool, text, isError), ...extra });
  return {
    list: () => tools.map(({ tool }) => ({
      name: tool.name,
      description: tool.description,
      sensitive: typeof tool.sensitive === 'function' ? 'per-call' as const : tool.sensitive,
      inputSchema: zodToJsonSchema(tool.input, { target: 'openApi3', $refStrategy: 'none' }) as Record<string, unknown>,
    })),
    async invoke(name, rawArgs, options) {
      const bound = byName.get(name);
      if (bound === undefined) return result(name, 'invalid', true, `Unknown tool ${name}.`);
      const parsed = bound.tool.input.safeParse(rawArgs);
      if (!parsed.success) return result(name, 'invalid', true, `Invalid arguments: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      const signal = options.signal ?? new AbortController().signal;
      const sensitive = typeof bound.tool.sensitive === 'function' ? bound.tool.sensitive(parsed.data, bound.deps, options.caller) : bound.tool.sensitive;
      let approvalId: string | undefined;
      if (sensitive) {
        const decision = await gate.request({ tool: name, args: parsed.data, caller: options.caller }, {
          signal,
          onPending: (p) => { approvalId = p.id; options.onEvent?.({ type: 'approval-requested', approvalId: p.id, expiresAt: p.expiresAt, args: parsed.data }); },
        });
        options.onEvent?.({ type: 'approval-decided', approvalId: decision.requestId, decision: decision.kind });
        if (decision.kind === 'denied' || decision.kind === 'expired') return result(name, decision.kind, true, `Not approved (${decision.kind}). Nothing ran.`, { approvalId: decision.requestId });
      }
      const out = await bound.tool.run(parsed.data, bound.deps, { signal, caller: options.caller, log, progress: (m) => options.onEvent?.({ type: 'progress', message: m }) });
      const text = out.text.slice(0, bound.tool.outputLimit);
      if (approvalId !== undefined) await gate.recordOutcome(approvalId, { ok: out.isError !== true, summary: text.slice(0, 200) });
      return result(name, 'ok', out.isError === true, text, approvalId === undefined ? {} : { approvalId });
    },
  };
}
